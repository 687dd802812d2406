using System.Diagnostics;
using RnnEngine.Engine;
using RnnEngine.Engine.Rng;
using RnnEngine.Models.Architectures;
using RnnEngine.Models.Data.Seeds;
using RnnEngine.Models.Metrics;
using RnnEngine.Models.Scoring;
using RnnEngine.Models.Training;

namespace RnnEngine.Models.Experiments;

/// <summary>Seed 004 on SYNTHETIC kernel-event traces. Defaults are smaller than the seed's (E 64, H 128, 7.3 M
/// stride-1 pairs, 2 epochs) so the run fits in under a minute on two cores; every size is an option.</summary>
public sealed record KernelEventOptions
{
    public int Embedding { get; init; } = 16;
    public int Hidden { get; init; } = 32;
    public DecoderState State { get; init; } = DecoderState.Carry;
    /// <summary>Events per input window and per predicted window (the seed's Tx = 5).</summary>
    public int Window { get; init; } = 5;
    /// <summary>Windows per scored segment (the seed's 200 windows = 1,000 events).</summary>
    public int SegmentWindows { get; init; } = 200;
    public int TrainTraces { get; init; } = 2;
    public int TrainTicks { get; init; } = 2_000;
    /// <summary>Stride-1 training windows drawn (without replacement, reshuffled each epoch) per epoch.</summary>
    public int WindowsPerEpoch { get; init; } = 16_384;
    public int Epochs { get; init; } = 2;
    public int Batch { get; init; } = 128;
    /// <summary>The seed's Adam: lr 0.05 with Keras inverse-time decay 0.01 per step.</summary>
    public float LearningRate { get; init; } = 0.05f;
    public float LearningRateDecay { get; init; } = 0.01f;
    public int ValidationTraces { get; init; } = 2;
    public int ValidationTicks { get; init; } = 3_000;
    public int TestCleanTicks { get; init; } = 2_000;
    public int TestAnomalousTraces { get; init; } = 2;
    public int TestTicks { get; init; } = 5_000;
    public int AnomaliesPerTrace { get; init; } = 4;
    public int InferenceBatch { get; init; } = TokenSegments.DefaultBatch;
    public ulong Seed { get; init; } = 1;

    /// <summary>The training part of these options for <see cref="Trainer"/> (the seed drives the shuffling too).</summary>
    public TrainOptions Training() => new()
    {
        Epochs = Epochs, ExamplesPerEpoch = WindowsPerEpoch, BatchSize = Batch, LearningRate = LearningRate,
        LearningRateDecay = LearningRateDecay, Seed = Seed,
    };
}

/// <summary>One test trace's segment rates, labels and event counts.</summary>
public sealed record KernelTraceScore(string Name, double[] Rates, bool[] Labels, bool[] Flagged, EventMetrics Events, int Anomalies);

public sealed record KernelEventResult(string Device, KernelEventOptions Options, EventMetrics Events, double Threshold,
    double ValidationMean, double ValidationSd, int ValidationSegments, IReadOnlyList<KernelTraceScore> Traces,
    IReadOnlyList<(double Loss, double Accuracy)> Epochs, int Parameters, int TrainSteps, double TrainSeconds, double Seconds);

/// <summary>
/// Seed 004 end to end: the seq2seq model learns clean traces (teacher forcing, stride-1 windows of Tx events to
/// predict the next Tx); every trace is then cut into stride-Tx windows, each window greedily decoded, and a segment's
/// score is the fraction of its SegmentWindows * Tx predicted tokens that differ from the true ones. Threshold = mean +
/// 3 sd of the segment scores of separate CLEAN validation traces (no test label is read). A segment is labelled
/// anomalous when any of its events was injected; events = maximal runs of anomalous segments of one trace, predicted
/// events = maximal runs of flagged segments (event-wise precision and recall of <see cref="EventMetrics"/>, summed over
/// the test traces).
/// </summary>
public static class KernelEventExperiment
{
    public static KernelEventResult Run(Backend device, KernelEventOptions o, TextWriter? progress)
    {
        var clock = Stopwatch.StartNew();
        var vocab = KernelEventVocabulary.LoadBundled();
        KernelEventTrace Clean(int ticks, ulong stream) =>
            KernelEventSynthetic.Generate(new KernelEventSyntheticOptions { Ticks = ticks, Seed = CounterRng.Hash(o.Seed, stream) }, vocab).Trace;

        var train = Enumerable.Range(0, o.TrainTraces).Select(i => Clean(o.TrainTicks, 100 + (ulong)i)).ToArray();
        var validation = Enumerable.Range(0, o.ValidationTraces).Select(i => Clean(o.ValidationTicks, 200 + (ulong)i)).ToArray();
        var tests = new List<(string Name, KernelEventTrace Trace, int Anomalies)> { ("clean", Clean(o.TestCleanTicks, 300), 0) };
        for (int i = 0; i < o.TestAnomalousTraces; i++)
        {
            var data = KernelEventSynthetic.Generate(new KernelEventSyntheticOptions
            {
                Ticks = o.TestTicks, Anomalies = o.AnomaliesPerTrace, Seed = CounterRng.Hash(o.Seed, 400 + (ulong)i),
            }, vocab);
            tests.Add(($"anomalous-{i + 1}", data.Trace, data.Anomalies.Count));
        }

        using var model = new GruAttentionSeq2Seq(device, vocab.Size, o.Embedding, o.Hidden, o.State, o.Seed);
        var trainClock = Stopwatch.StartNew();
        var (epochs, steps) = TokenWindows.Fit(model, train, o.Window, vocab.StartId, o.Training(), progress);
        double trainSeconds = trainClock.Elapsed.TotalSeconds;

        var validationRates = validation.SelectMany(t => SegmentRates(model, t, vocab.StartId, o)).ToArray();
        double mean = validationRates.Average();
        double sd = Math.Sqrt(validationRates.Sum(r => (r - mean) * (r - mean)) / validationRates.Length);
        double threshold = mean + 3 * sd;
        progress?.WriteLine($"validation: {validationRates.Length} clean segments, rate mean {mean:F4} sd {sd:F4} -> threshold {threshold:F4}");

        var scores = new List<KernelTraceScore>();
        int predicted = 0, onTarget = 0, trueEvents = 0, hit = 0;
        foreach (var (name, trace, anomalies) in tests)
        {
            double[] rates = SegmentRates(model, trace, vocab.StartId, o);
            bool[] labels = trace.SegmentLabels(o.SegmentWindows * o.Window)[..rates.Length];
            bool[] flagged = rates.Select(r => r > threshold).ToArray();
            var ev = EventMetrics.Compute(labels, flagged);
            predicted += ev.PredictedEvents; onTarget += ev.EventsOnTarget; trueEvents += ev.TrueSegments; hit += ev.SegmentsHit;
            scores.Add(new KernelTraceScore(name, rates, labels, flagged, ev, anomalies));
            progress?.WriteLine($"{name}: {rates.Length} segments, {labels.Count(l => l)} anomalous, {flagged.Count(f => f)} flagged, " +
                $"events {ev.SegmentsHit}/{ev.TrueSegments} hit, {ev.EventsOnTarget}/{ev.PredictedEvents} predicted on target");
        }
        return new KernelEventResult(device.Name, o, new EventMetrics(predicted, onTarget, trueEvents, hit), threshold, mean, sd,
            validationRates.Length, scores, epochs, model.Parameters.Sum(p => p.Length), steps, trainSeconds, clock.Elapsed.TotalSeconds);
    }

    private static double[] SegmentRates(GruAttentionSeq2Seq model, KernelEventTrace trace, int startId, KernelEventOptions o) =>
        TokenSegments.Rates(model, trace, startId, o.Window, o.SegmentWindows, o.InferenceBatch);
}
