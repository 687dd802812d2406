using RnnEngine.Models.Data;
using RnnEngine.Models.Metrics;

namespace RnnEngine.Cli.Commands;

/// <summary>
/// `rnnengine eval --scores SCORES.csv --labels LABELS [--out FILE]`: window- or point-level metrics of a scores file
/// against labels, joined by index, as one JSON line (ROC AUC, PR AUC; with an is_anomaly column also precision,
/// recall, F1 and the confusion counts). File formats: <see cref="ScoreFiles"/>. A data error prints one line on
/// stderr and exits 2; --out is written (temp file, then rename) only after everything was read and computed.
/// </summary>
public static class EvalCommand
{
    public static int Run(CommandArgs args, TextWriter stdout, TextWriter stderr)
    {
        string scoresPath = args.String("scores") ?? throw new UsageException("eval needs --scores SCORES.csv (columns index,score[,is_anomaly])");
        string labelsPath = args.String("labels") ?? throw new UsageException("eval needs --labels LABELS (columns index,label, or one label column)");
        string? outPath = args.String("out");
        args.EnsureAllUsed();
        string json;
        try
        {
            IReadOnlyList<ScoredRow> rows = ScoreFiles.ReadScores(scoresPath);
            IReadOnlyDictionary<long, bool> labels = ScoreFiles.ReadLabels(labelsPath);
            json = ScoreFiles.Evaluate(scoresPath, rows, labelsPath, labels).ToJson();
        }
        catch (DataFormatException e)
        {
            stderr.WriteLine("error: " + e.Message);
            return 2;
        }
        if (outPath is not null)
        {
            string full = Path.GetFullPath(outPath);
            string tmp = full + ".tmp-" + Environment.ProcessId;
            try
            {
                File.WriteAllText(tmp, json + Environment.NewLine);
                File.Move(tmp, full, overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                try { File.Delete(tmp); } catch (IOException) { }
                stderr.WriteLine($"error: {outPath}: cannot write the metrics: {e.Message}");
                return 2;
            }
        }
        stdout.WriteLine(json);
        return 0;
    }
}
