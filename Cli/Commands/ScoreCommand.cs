using System.CommandLine;
using System.Globalization;
using System.Text;
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
        var c = new Command("score", "score every row of a file with a trained model and flag those above its threshold")
        {
            model, data, outPath, device, threads, noHeader, missing,
        };
        c.SetAction(p => Run(p.GetValue(model)!, p.GetValue(data)!, p.GetValue(outPath)!, p.GetValue(device)!, p.GetValue(threads),
            p.GetValue(noHeader), p.MissingPolicy(missing), stdout, stderr));
        return c;
    }

    private static int Run(string modelPath, string data, string outPath, string device, int threads, bool noHeader, MissingPolicy missing,
        TextWriter stdout, TextWriter stderr)
    {
        OutputPath.Check("--out", outPath, ("--model", modelPath), ("--data", data));
        if (TokenDetectorFile.IsTokenModel(modelPath))
        {
            if (noHeader || missing != MissingPolicy.Error) throw new UsageException("a kernel-event trace has its own header and no missing cells: --no-header and --missing do not apply");
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
        double[] scores = WithDroppedRows(detector.ScoreRows(series), read.Missing.DroppedRows);
        if (missing != MissingPolicy.Error) stderr.WriteLine(read.Missing.Describe());
        bool[] flags = detector.Flags(scores);
        int flagged = Write(outPath, scores, flags);
        int events = RnnEngine.Models.Metrics.Segments.Find(flags).Length;
        stdout.WriteLine($"scored {series.Length} rows with {detector.Config.Model}: {flagged} rows flagged in {events} events " +
            $"(threshold {detector.Threshold:G4}, {detector.Config.ThresholdRule}, event gap {detector.Config.EventGap}); wrote {outPath}");
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
