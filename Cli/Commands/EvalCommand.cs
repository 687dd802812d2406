using System.CommandLine;
using System.Text.Json.Nodes;
using RnnEngine.Models.Data;
using RnnEngine.Models.Metrics;

namespace RnnEngine.Cli.Commands;

/// <summary>
/// `rnnengine eval --scores SCORES.csv --labels LABELS [--out FILE]`: window- or point-level metrics of a scores file
/// against labels, joined by index, as one JSON line (ROC AUC, PR AUC; with an is_anomaly column also precision,
/// recall, F1 and the confusion counts). File formats: <see cref="ScoreFiles"/>. A data error prints one line on
/// stderr and exits 2; --out is written (temp file, then rename) only after everything was read and computed.
/// Besides those flat keys the line carries the evaluation suite (<see cref="EvaluationSuite"/>): "ranking", and at
/// the decisions ("threshold" says where they came from: the is_anomaly column, or `--threshold VALUE`, score &gt;
/// VALUE) "point", "point_adjusted", "pa_k", "event", "delay"; "oracle" (thresholds searched on these labels, upper
/// bounds only); and "random_baseline", the same for seeded uniform scores (`--seed N`, default 1) flagged at the
/// same count.
/// </summary>
public static class EvalCommand
{
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var scores = Opt.Required("--scores", "SCORES.csv", "the scores: columns index,score[,is_anomaly] (what score writes)");
        var labels = Opt.Required("--labels", "LABELS.csv", "the labels: columns index,label, or one label column (0/1) in row order");
        var outPath = Opt.Text("--out", "FILE.json", "also write the JSON line to this file");
        var threshold = Opt.OptionalDouble("--threshold", double.MinValue, double.MaxValue,
            "flag score > VALUE instead of the file's is_anomaly decisions", "VALUE");
        var seed = Opt.Int("--seed", (int)RandomBaseline.DefaultSeed, 0, int.MaxValue, "seed of the random-score baseline");
        var data = Opt.Text("--data", "FILE.csv", "the scored data file: with --train-rows, prints the baselines (raw z, T^2, PCA) fitted on its first rows");
        var trainRows = Opt.Int("--train-rows", 0, 0, int.MaxValue, "rows of --data the baselines fit on (the model's training rows)");
        var columns = Opt.Text("--columns", "a,b", "the columns of --data the baselines read (default: all)");
        var window = Opt.Int("--window", 1, 1, 10_000_000, "evaluate non-overlapping windows of this many rows (seed 001's window-level figures; 1: rows)", "T");
        var aggregate = Opt.Choice("--aggregate", "max", "a window's score from its rows' scores (seed 001: max); a window is anomalous when any row is labelled, flagged when any row is",
            [.. JoinedScores.Aggregates]);
        var c = new Command("eval", "ROC/PR AUC, precision, recall, F1, point-adjusted, event and delay metrics of a scores file against labels, as one JSON line, beside a random-score baseline")
        {
            scores, labels, outPath, threshold, seed, data, trainRows, columns, window, aggregate,
        };
        c.SetAction(p => Run(p.GetValue(scores)!, p.GetValue(labels)!, p.GetValue(outPath), p.GetValue(threshold) ?? double.NaN, p.GetValue(seed),
            p.GetValue(data), p.GetValue(trainRows), p.GetValue(columns), p.GetValue(window), p.GetValue(aggregate)!, stdout, stderr));
        return c;
    }

    private static int Run(string scoresPath, string labelsPath, string? outPath, double threshold, int seed, string? data, int trainRows,
        string? columns, int window, string aggregate, TextWriter stdout, TextWriter stderr)
    {
        if (window > 1 && data is not null) throw new UsageException("eval: the baselines of --data score rows; use them without --window");
        if (outPath is not null) OutputPath.Check("--out", outPath, ("--scores", scoresPath), ("--labels", labelsPath), ("--data", data));
        if ((data is null) != (trainRows == 0))
            throw new UsageException("eval: --data FILE.csv and --train-rows N go together (the baselines fit on the first N rows of FILE)");
        string json;
        try
        {
            IReadOnlyList<ScoredRow> rows = ScoreFiles.ReadScores(scoresPath);
            IReadOnlyDictionary<long, bool> labels = ScoreFiles.ReadLabels(labelsPath);
            JoinedScores j = JoinedScores.From(scoresPath, rows, labelsPath, labels);
            if (window > 1)
            {
                try { j = j.Windowed(window, aggregate, labels); }
                catch (ArgumentException e) { throw new DataFormatException(scoresPath, null, null, e.Message); }
            }
            bool[]? predicted = j.Predicted;
            string? source = predicted is null ? null : "scores-file";
            double? value = null;
            if (!double.IsNaN(threshold))
            {
                // a threshold fixed in advance (e.g. the one saved with the model) overrides the file's decisions
                predicted = new bool[j.Count];
                for (int i = 0; i < j.Count; i++) predicted[i] = j.Scores[i] > threshold;
                source = "value";
                value = threshold;
            }
            JsonObject o = MetricsReport.Compute(j.Scores, j.Labels, predicted, j.Skipped).ToJsonObject();
            if (window > 1) o["window"] = new JsonObject { ["rows"] = window, ["aggregate"] = aggregate, ["windows"] = j.Count };
            EvaluationSuite.Compute(j.Index, j.Scores, j.Labels, predicted, source, value, (ulong)seed).AddTo(o, j.Count);
            if (data is not null) o["baselines"] = BaselineMetrics(data, columns, trainRows, j, stderr);
            json = o.ToJsonString();
            stderr.WriteLine(Summary(o));
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

    /// <summary>The headline figures for a person on stderr (the JSON line on stdout carries them all).</summary>
    private static string Summary(JsonObject o)
    {
        static string F(JsonNode? n) => n is null ? "-" : n.GetValue<double>().ToString("F3", System.Globalization.CultureInfo.InvariantCulture);
        string unit = o["window"] is JsonObject w ? $"windows of {w["rows"]} rows ({w["aggregate"]})" : "rows";
        string ranking = $"{o["count"]} {unit}, {o["positives"]} labelled: ROC AUC {F(o["roc_auc"])}, PR AUC {F(o["pr_auc"])}";
        if (o["point"] is not JsonObject point) return ranking;
        var random = o["random_baseline"] as JsonObject;
        return ranking + $"; decisions: point F1 {F(point["f1"])} (precision {F(point["precision"])}, recall {F(point["recall"])}), " +
            $"event F1 {F(o["event"]?["f1"])}; random score flagging as many: point F1 {F(random?["point"]?["f1"])}, event F1 {F(random?["event"]?["f1"])}";
    }

    /// <summary>ROC AUC and PR AUC of the raw z-score, Hotelling T^2 and PCA error (two columns or more) fitted on the first
    /// <paramref name="trainRows"/> rows of the data file, on the same rows as the model's scores; a comparison line
    /// goes to stderr.</summary>
    private static JsonObject BaselineMetrics(string data, string? columns, int trainRows, JoinedScores j, TextWriter stderr)
    {
        Series s = CsvSeriesReader.Read(data, new CsvReadOptions
        {
            Columns = columns?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
        });
        if (trainRows < 2 || trainRows > s.Length)
            throw new DataFormatException(data, null, null, $"--train-rows {trainRows}: the file has {s.Length} data rows, and the baselines need at least 2");
        long beyond = j.Index.FirstOrDefault(i => i >= s.Length, -1);
        if (beyond >= 0) throw new DataFormatException(data, null, null, $"the scores name row {beyond}, the file has {s.Length} data rows");
        var o = new JsonObject();
        var line = new List<string> { $"model PR AUC {RankingMetrics.AveragePrecision(j.Scores, j.Labels):F3}" };
        foreach ((string name, Func<double[]> fit) in new (string, Func<double[]>)[]
        {
            ("raw_z", () => Baselines.RobustZ(s.Values, s.Features, trainRows)),
            ("t2", () => Baselines.HotellingT2(s.Values, s.Features, trainRows)),
            ("pca", () => Baselines.PcaError(s.Values, s.Features, trainRows)),
        })
        {
            if (name == "pca" && s.Features < 2) continue;   // one column is its own first component: no residual
            double[] all = fit();
            double[] scores = [.. j.Index.Select(i => all[i])];
            double pr = RankingMetrics.AveragePrecision(scores, j.Labels), roc = RankingMetrics.RocAuc(scores, j.Labels);
            o[name] = new JsonObject { ["roc_auc"] = roc, ["pr_auc"] = pr };
            line.Add($"{name} {pr:F3}");
        }
        stderr.WriteLine($"baselines fitted on rows 0-{trainRows - 1} of {data}, same evaluated rows: " + string.Join("; ", line));
        return o;
    }
}
