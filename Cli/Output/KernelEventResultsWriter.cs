using System.Globalization;
using System.Text.Json;
using RnnEngine.Models.Experiments;

namespace RnnEngine.Cli.Output;

/// <summary>results.json (event-wise recall and precision first, then the protocol) and segment-score plots of
/// `rnnengine run kernel-events-synthetic` (seed 004).</summary>
public static class KernelEventResultsWriter
{
    public const string Protocol =
        "Train on clean synthetic traces only (stride-1 windows, teacher forcing). Test traces are cut into stride-5 windows, " +
        "each greedily decoded; a segment (200 windows = 1,000 events) scores the fraction of its 1,000 predicted tokens that " +
        "differ from the true next tokens. Threshold = mean + 3 sd of the segment scores of separate CLEAN validation traces " +
        "(no test data or label is used to set it). A segment is labelled anomalous when any of its events was injected; " +
        "an event is a maximal run of anomalous segments within one test trace; a predicted event is a maximal run of segments " +
        "above the threshold. Event recall = true events overlapped by a predicted event; event precision = predicted events " +
        "overlapping a true event; counts summed over the test traces (one clean, the others with injected FifoLs/BusyLoop windows).";

    public static string Table(KernelEventResult r) => string.Create(CultureInfo.InvariantCulture,
        $"kernel-events-synthetic (seed 004) on {r.Device}, {r.Seconds:F1} s (training {r.TrainSeconds:F1} s, {r.TrainSteps} steps)\n" +
        $"threshold {r.Threshold:F4} (clean validation: {r.ValidationSegments} segments, mean {r.ValidationMean:F4}, sd {r.ValidationSd:F4})\n" +
        $"event recall {r.Events.Recall:F3} ({r.Events.SegmentsHit}/{r.Events.TrueSegments}), event precision {r.Events.Precision:F3} " +
        $"({r.Events.EventsOnTarget}/{r.Events.PredictedEvents}), F1 {r.Events.F1:F3}\n");

    public static void Write(KernelEventResult r, string dir)
    {
        Directory.CreateDirectory(dir);
        var o = r.Options;
        var doc = new Dictionary<string, object?>
        {
            ["experiment"] = "kernel-events-synthetic",
            ["seed_system"] = "004",
            ["device"] = r.Device,
            ["event_recall"] = Math.Round(r.Events.Recall, 6),
            ["event_precision"] = Math.Round(r.Events.Precision, 6),
            ["event_f1"] = Math.Round(r.Events.F1, 6),
            ["true_events"] = r.Events.TrueSegments, ["true_events_hit"] = r.Events.SegmentsHit,
            ["predicted_events"] = r.Events.PredictedEvents, ["predicted_events_on_target"] = r.Events.EventsOnTarget,
            ["protocol"] = Protocol,
            ["data"] = "SYNTHETIC QNX kernel-event traces (Lab/Synthetic/KernelEventSynthetic); the seed's hexacopter files are not available",
            ["threshold"] = Math.Round(r.Threshold, 6),
            ["threshold_rule"] = "mean + 3 sd of clean validation segment scores",
            ["validation_segments"] = r.ValidationSegments,
            ["validation_mean"] = Math.Round(r.ValidationMean, 6),
            ["validation_sd"] = Math.Round(r.ValidationSd, 6),
            ["traces"] = r.Traces.Select(t => new Dictionary<string, object?>
            {
                ["name"] = t.Name, ["segments"] = t.Rates.Length, ["injected_windows"] = t.Anomalies,
                ["anomalous_segments"] = t.Labels.Count(l => l), ["flagged_segments"] = t.Flagged.Count(f => f),
                ["trace_event_recall"] = Math.Round(t.Events.Recall, 6), ["trace_event_precision"] = Math.Round(t.Events.Precision, 6),
                ["plot"] = "kernel-events-" + t.Name + ".png",
            }).ToList(),
            ["training"] = r.Epochs.Select((e, i) => new Dictionary<string, object?>
            {
                ["epoch"] = i + 1, ["loss"] = Math.Round(e.Loss, 6), ["token_accuracy"] = Math.Round(e.Accuracy, 6),
            }).ToList(),
            ["model"] = "gru-attention-seq2seq",
            ["parameters"] = r.Parameters,
            ["settings"] = new Dictionary<string, object?>
            {
                ["embedding"] = o.Embedding, ["hidden"] = o.Hidden, ["attention_units"] = o.Hidden,
                ["decoder_state"] = o.State.ToString().ToLowerInvariant(), ["window"] = o.Window, ["segment_windows"] = o.SegmentWindows,
                ["train_traces"] = o.TrainTraces, ["train_ticks"] = o.TrainTicks, ["windows_per_epoch"] = o.WindowsPerEpoch,
                ["epochs"] = o.Epochs, ["batch"] = o.Batch, ["lr"] = o.LearningRate, ["lr_decay"] = o.LearningRateDecay,
                ["validation_traces"] = o.ValidationTraces, ["validation_ticks"] = o.ValidationTicks,
                ["test_clean_ticks"] = o.TestCleanTicks, ["test_anomalous_traces"] = o.TestAnomalousTraces, ["test_ticks"] = o.TestTicks,
                ["anomalies_per_trace"] = o.AnomaliesPerTrace, ["seed"] = o.Seed,
            },
            ["train_steps"] = r.TrainSteps,
            ["train_seconds"] = Math.Round(r.TrainSeconds, 2),
            ["seconds"] = Math.Round(r.Seconds, 2),
        };
        string path = Path.Combine(dir, "results.json");
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        File.Move(path + ".tmp", path, overwrite: true);

        foreach (var t in r.Traces) Plot(r, t).Save(Path.Combine(dir, "kernel-events-" + t.Name + ".png"));
    }

    internal static AnomalyPlot Plot(KernelEventResult r, KernelTraceScore t) => new()
    {
        Title = $"gru-attention-seq2seq on kernel-events-synthetic (seed 004): test trace {t.Name}",
        Subtitle = string.Create(CultureInfo.InvariantCulture,
            $"SYNTHETIC QNX kernel-event trace, {t.Rates.Length} segments of {r.Options.SegmentWindows} windows, {t.Anomalies} injected windows"),
        XLabel = "segment",
        Score = t.Rates,
        ScoreName = "segment score (mismatched predicted tokens)",
        ScoreLabel = "mismatch rate",
        Threshold = r.Threshold,
        Labels = t.Labels,
        Flagged = t.Flagged,
        FlaggedName = "flagged segment",
    };
}
