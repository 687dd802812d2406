using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using RnnEngine.Models.Experiments;
using RnnEngine.Models.Metrics;

namespace RnnEngine.Cli.Output;

/// <summary>An experiment's summary table (stdout), results.json and one PNG per model (series, score, threshold, labels).</summary>
public static class ResultsWriter
{
    public static string Table(ExperimentResult r)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"{r.Experiment} (seed {r.Seed}) on {r.Device}, {r.Seconds:F1} s");
        int nameWidth = Math.Max(10, r.Models.Max(m => m.Name.Length));
        int taskWidth = Math.Max(28, r.Models.Max(m => m.Task.Length));
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"{"model".PadRight(nameWidth)} {"task".PadRight(taskWidth)} {"ROC AUC",8} {"PR AUC",8} {"windows",8} {"anom.",6} {"flagged",8} {"epochs",7} {"train s",8}");
        foreach (var m in r.Models)
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"{m.Name.PadRight(nameWidth)} {m.Task.PadRight(taskWidth)} {m.RocAuc,8:F3} {m.PrAuc,8:F3} {m.TestWindows,8} {m.AnomalousWindows,6} {(m.FlaggedWindows?.ToString(CultureInfo.InvariantCulture) ?? "-"),8} {m.EpochsRun,7} {m.TrainSeconds,8:F1}");
        foreach (var m in r.Models)
            if (m.Evaluation is { } e)
                sb.AppendLine(CultureInfo.InvariantCulture, $"{m.Name}: {Headline(e.Real)}; random score: {Headline(e.Random)}");
        if (r.Baselines.Count > 0)
            sb.AppendLine("baselines fitted on the training rows, same test windows: " + string.Join("; ",
                r.Baselines.Select(b => string.Create(CultureInfo.InvariantCulture, $"{b.Name} ROC AUC {b.RocAuc:F3}, PR AUC {b.PrAuc:F3}"))));
        return sb.ToString();
    }

    /// <summary>The honest figures first (Kim et al. 2022): point-wise F1, PA%K area, event F1; PA-F1 only beside them.</summary>
    private static string Headline(ScoreEvaluation s) => s.Decisions is { } d
        ? string.Create(CultureInfo.InvariantCulture, $"point F1 {d.Point.F1:F3}, PA%K area {d.PaK.Auc:F3}, event F1 {d.Events.F1:F3}, PA-F1 {d.PointAdjusted.F1:F3}")
        : string.Create(CultureInfo.InvariantCulture, $"ROC AUC {s.RocAuc:F3}, PR AUC {s.PrAuc:F3}");

    private static JsonObject EvaluationJson(ModelResult m)
    {
        var o = new JsonObject { ["level"] = m.EvaluationLevel };
        m.Evaluation!.AddTo(o, (int)(m.Evaluation.Real.Decisions?.Point.Total ?? 0));
        return o;
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
                ["evaluation"] = m.Evaluation is null ? null : EvaluationJson(m),
            }).ToList(),
            ["settings"] = r.Settings,
        };
        if (r.Detection is not null) doc["detection"] = r.Detection;
        if (r.Metrics is not null) doc["metrics"] = r.Metrics.ToDictionary(kv => kv.Key, kv => Num(kv.Value));
        if (r.Baselines.Count > 0)
            doc["baselines"] = r.Baselines.ToDictionary(b => b.Name, b => (object?)new Dictionary<string, object?> { ["roc_auc"] = Num(b.RocAuc), ["pr_auc"] = Num(b.PrAuc) });
        if (r.Updates.Count > 0)
            doc["updates"] = r.Updates.Select(u => new Dictionary<string, object?>
            {
                ["before_window"] = u.BeforeWindow, ["hard_normal_windows"] = u.HardNormals, ["normal_windows"] = u.Normals,
                ["anomalous_windows"] = u.Anomalies, ["train_windows"] = u.TrainWindows, ["held_out_windows"] = u.HeldOutWindows, ["epochs"] = u.Epochs,
                ["loss_before"] = Num(u.LossBefore), ["loss_after"] = Num(u.LossAfter), ["threshold"] = Num(u.Threshold),
            }).ToList();
        string json = JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = true });
        string path = Path.Combine(dir, "results.json");
        File.WriteAllText(path + ".tmp", json);
        File.Move(path + ".tmp", path, overwrite: true);

        foreach (var (name, plot) in r.Plots) Plot(r, name, plot).Save(Path.Combine(dir, name + ".png"));
    }

    internal static AnomalyPlot Plot(ExperimentResult r, string name, PlotData plot)
    {
        var model = r.Models.FirstOrDefault(m => m.Name == name);
        string task = model is null ? "" : ": " + model.Task;
        // the figure shows the plotted score against the threshold, so that is what it marks as flagged
        bool[]? flagged = plot.Threshold is double t ? plot.Score.Select(s => s > t).ToArray() : null;
        return new AnomalyPlot
        {
            Title = $"{name} on {r.Experiment} (seed {r.Seed}){task}",
            Subtitle = plot.Data,
            Series = [new PlotLine(plot.SeriesName, plot.Series)],
            SeriesLabel = plot.ValueLabel,
            Score = plot.Score,
            ScoreName = plot.ScoreName,
            Threshold = plot.Threshold,
            Labels = plot.Labels,
            Flagged = flagged,
            FlaggedName = "flagged: score > threshold",
        };
    }

    private static double? Num(double v) => double.IsFinite(v) ? Math.Round(v, 6) : null;
}
