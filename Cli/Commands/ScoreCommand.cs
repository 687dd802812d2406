using System.CommandLine;
using System.Globalization;
using System.Text;
using RnnEngine.Cli.Output;
using RnnEngine.Engine;
using RnnEngine.Models.Data;
using RnnEngine.Models.Detection;

namespace RnnEngine.Cli.Commands;

/// <summary>
/// `rnnengine score --model MODEL --data FILE.csv --out SCORES.csv`: one row per input row (per resampling bin for a
/// resampled SWaT model), `index,score,is_anomaly`, read in the format the model was trained on; rows without a full
/// window yet have empty score and flag. Written to a temporary file, then renamed. Token models go to <see cref="TokenCommands"/>.
/// </summary>
public static class ScoreCommand
{
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var model = Opt.Required("--model", "MODEL", "a model written by train");
        var data = Opt.Required("--data", "FILE", "the rows to score, in the format the model was trained on (a CSV with the training columns)");
        var outPath = Opt.Required("--out", "SCORES.csv", "one line per input row: index,score,is_anomaly (empty before the first full window)");
        var device = Opt.Device();
        var threads = Opt.Threads();
        var noHeader = Opt.NoHeader();
        var missing = Opt.Missing();
        var plot = Opt.Text("--plot", "FILE.png", "also draw the data (top), the score and threshold (bottom) and the flagged rows to this PNG");
        var labels = Opt.Text("--labels", "LABELS.csv", "with --plot: shade these labelled anomalies too (index,label or one 0/1 column)");
        var c = new Command("score", "score every row of a file with a trained model and flag those above its threshold")
        {
            model, data, outPath, device, threads, noHeader, missing, plot, labels,
        };
        c.SetAction(p => Run(p.GetValue(model)!, p.GetValue(data)!, p.GetValue(outPath)!, p.GetValue(device)!, p.GetValue(threads),
            p.GetValue(noHeader), p.MissingPolicy(missing), p.GetValue(plot), p.GetValue(labels), stdout, stderr));
        return c;
    }

    private static int Run(string modelPath, string data, string outPath, string device, int threads, bool noHeader, MissingPolicy missing,
        string? plotPath, string? labelsPath, TextWriter stdout, TextWriter stderr)
    {
        OutputPath.Check("--out", outPath, ("--model", modelPath), ("--data", data), ("--labels", labelsPath));
        if (plotPath is not null) OutputPath.Check("--plot", plotPath, ("--model", modelPath), ("--data", data), ("--labels", labelsPath), ("--out", outPath));
        if (labelsPath is not null && plotPath is null) throw new UsageException("--labels is drawn by --plot: give --plot FILE.png too (eval compares scores with labels)");
        if (TokenDetectorFile.IsTokenModel(modelPath))
        {
            if (noHeader || missing != MissingPolicy.Error) throw new UsageException("a kernel-event trace has its own header and no missing cells: --no-header and --missing do not apply");
            if (plotPath is not null) throw new UsageException("--plot draws numeric rows; a kernel-event model's scores are per segment of a trace");
            return TokenCommands.Score(modelPath, data, outPath, device, threads, stdout, stderr);
        }
        using var outLock = OutputPath.Lock("--out", outPath);

        using var backend = Devices.Create(device, threads);
        using var detector = DetectorFile.Load(backend, modelPath);
        var columns = detector.Config.Columns;
        NumericInput.CheckOptions(detector.Config.Format, noHeader, null, missing, 0);
        CsvReadResult read = DataFile.Read(detector.Config.Format, data, !noHeader && columns.Count > 0 ? columns : null, noHeader, missing,
            detector.Config.ResampleSeconds);
        Series series = read.Series;
        // the labels are read before the scoring, so a bad file costs no work
        bool[]? labelled = labelsPath is null ? null : LabelFile.Read(labelsPath, series.Length + read.Missing.DroppedRows.Count);
        double[] rowScores = detector.ScoreRows(series);
        double[] scores = WithDroppedRows(rowScores, read.Missing.DroppedRows);
        if (missing != MissingPolicy.Error) stderr.WriteLine(read.Missing.Describe());
        bool[] flags = detector.Flags(scores);
        int flagged = Write(outPath, scores, flags);
        int events = RnnEngine.Models.Metrics.Segments.Find(flags).Length;
        if (plotPath is not null)
        {
            var dropped = read.Missing.DroppedRows.ToHashSet();
            bool[] Kept(bool[] all) => [.. all.Where((_, i) => !dropped.Contains(i))];
            ScorePlot.Write(plotPath, $"{detector.Config.Model} on {Path.GetFileName(data)} (model {Path.GetFileName(modelPath)})",
                series.ColumnNames, series.Values, series.Features, rowScores, detector.Threshold, Kept(flags), labelled is null ? null : Kept(labelled),
                series.Timestamps);
        }
        stdout.WriteLine($"scored {series.Length} rows with {detector.Config.Model}: {flagged} rows flagged in {events} events " +
            $"(threshold {detector.Threshold:G4}, {detector.Config.ThresholdRule}, event gap {detector.Config.EventGap}); wrote {outPath}" +
            (plotPath is null ? "" : $" and {plotPath}"));
        return 0;
    }

    /// <summary>Dropped rows keep their line in the output (empty score), so index stays the input's data row.</summary>
    internal static double[] WithDroppedRows(double[] scores, IReadOnlyList<int> dropped)
    {
        if (dropped.Count == 0) return scores;
        var all = new double[scores.Length + dropped.Count];
        int d = 0, k = 0;
        for (int i = 0; i < all.Length; i++)
        {
            if (d < dropped.Count && dropped[d] == i)
            {
                all[i] = double.NaN;
                d++;
            }
            else all[i] = scores[k++];
        }
        return all;
    }

    internal static int Write(string path, double[] scores, bool[] flags)
    {
        string tmp = path + ".tmp";
        int flagged = 0;
        try
        {
            using (var w = new StreamWriter(tmp, false, new UTF8Encoding(false)))
            {
                w.WriteLine("index,score,is_anomaly");
                for (int i = 0; i < scores.Length; i++)
                {
                    double s = scores[i];
                    if (double.IsNaN(s)) { w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{i},,")); continue; }
                    bool anomalous = flags[i];
                    if (anomalous) flagged++;
                    w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{i},{s:G9},{(anomalous ? 1 : 0)}"));
                }
            }
            File.Move(tmp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
        return flagged;
    }
}
