using System.Globalization;
using System.Text;
using System.Text.Json;
using RnnEngine.Models.Experiments;

namespace RnnEngine.Cli.Output;

/// <summary>An experiment's summary table (stdout), results.json and one PNG per model (series, score, threshold, labels).</summary>
public static class ResultsWriter
{
    public static string Table(ExperimentResult r)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"{r.Experiment} (seed {r.Seed}) on {r.Device}, {r.Seconds:F1} s");
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"{"model",-10} {"task",-28} {"ROC AUC",8} {"PR AUC",8} {"windows",8} {"anom.",6} {"flagged",8} {"epochs",7} {"train s",8}");
        foreach (var m in r.Models)
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"{m.Name,-10} {m.Task,-28} {m.RocAuc,8:F3} {m.PrAuc,8:F3} {m.TestWindows,8} {m.AnomalousWindows,6} {(m.FlaggedWindows?.ToString(CultureInfo.InvariantCulture) ?? "-"),8} {m.EpochsRun,7} {m.TrainSeconds,8:F1}");
        return sb.ToString();
    }

    /// <summary>Writes results.json and the plots into <paramref name="dir"/> (each file via a temporary name).</summary>
    public static void Write(ExperimentResult r, string dir)
    {
        Directory.CreateDirectory(dir);
        var first = r.Models[0];
        var doc = new Dictionary<string, object?>
        {
            ["experiment"] = r.Experiment,
            ["seed_system"] = r.Seed,
            ["device"] = r.Device,
            // the headline: the first model listed (seed 001: EncDec-AD; seed 003: the pytorch FC next-window model)
            ["roc_auc"] = Num(first.RocAuc),
            ["headline_model"] = first.Name,
            ["metric"] = "window-level ROC AUC on the test windows",
            ["seconds"] = Math.Round(r.Seconds, 2),
            ["models"] = r.Models.Select(m => new Dictionary<string, object?>
            {
                ["name"] = m.Name, ["model"] = m.Model, ["task"] = m.Task, ["roc_auc"] = Num(m.RocAuc), ["pr_auc"] = Num(m.PrAuc),
                ["test_windows"] = m.TestWindows, ["anomalous_windows"] = m.AnomalousWindows,
                ["threshold"] = m.Threshold is double t ? Num(t) : null, ["flagged_windows"] = m.FlaggedWindows,
                ["epochs_run"] = m.EpochsRun, ["best_epoch"] = m.BestEpoch + 1, ["best_validation_loss"] = Num(m.BestValidationLoss),
                ["train_seconds"] = Math.Round(m.TrainSeconds, 2), ["parameters"] = m.Parameters,
                ["plot"] = m.Name + ".png",
            }).ToList(),
            ["settings"] = r.Settings,
        };
        if (r.Detection is not null) doc["detection"] = r.Detection;
        if (r.Metrics is not null) doc["metrics"] = r.Metrics.ToDictionary(kv => kv.Key, kv => Num(kv.Value));
        string json = JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = true });
        string path = Path.Combine(dir, "results.json");
        File.WriteAllText(path + ".tmp", json);
        File.Move(path + ".tmp", path, overwrite: true);

        foreach (var (name, plot) in r.Plots)
        {
            var png = new PngPlot(1600, 220)
                .AddPanel(plot.Series, PngPlot.Blue)
                .AddPanel(plot.Score, PngPlot.Orange, plot.Threshold)
                .Labels(plot.Labels);
            png.Save(Path.Combine(dir, name + ".png"));
        }
    }

    private static double? Num(double v) => double.IsFinite(v) ? Math.Round(v, 6) : null;
}
