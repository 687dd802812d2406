using RnnEngine.Engine;
using RnnEngine.Models.Architectures;
using RnnEngine.Models.Data;
using RnnEngine.Models.Data.Seeds;
using RnnEngine.Models.Scoring;
using RnnEngine.Models.Thresholds;
using RnnEngine.Models.Training;

namespace RnnEngine.Models.Detection;

/// <summary>What rebuilds a token detector's network and its scoring (stored in the checkpoint).</summary>
public sealed record TokenDetectorConfig
{
    public const string ModelName = GruAttentionSeq2Seq.Name;

    /// <summary>Events per input window and per predicted window (seed 004's Tx = 5).</summary>
    public int Window { get; init; } = DefaultWindow;
    /// <summary>Windows per scored segment (seed 004: 200 windows = 1,000 events).</summary>
    public int SegmentWindows { get; init; } = DefaultSegmentWindows;
    public int Embedding { get; init; } = DefaultEmbedding;
    public int Hidden { get; init; } = DefaultHidden;
    public DecoderState State { get; init; } = DecoderState.Carry;
    public ulong Seed { get; init; } = 1;
    public required KernelEventVocabulary Vocabulary { get; init; }

    /// <summary>Seed 004's training, scaled down to run in seconds on two cores (the seed: 7.3 M windows an epoch):
    /// 2 epochs of 16,384 stride-1 windows, batch 128, Adam lr 0.05 with inverse-time decay 0.01 per step.</summary>
    public const int DefaultWindow = 5, DefaultSegmentWindows = 200, DefaultEmbedding = 16, DefaultHidden = 32;

    public static TrainOptions DefaultTraining { get; } = new()
    {
        Epochs = 2, ExamplesPerEpoch = 16_384, BatchSize = 128, LearningRate = 0.05f, LearningRateDecay = 0.01f,
    };
}

/// <summary>
/// Seed 004 on one kernel-event trace, as `train`/`score` use it: the <see cref="GruAttentionSeq2Seq"/> model learns the
/// first 70 % of the events (teacher forcing, stride-1 windows; events labelled anomalous are cut out, so no window
/// spans one), and the threshold is seed 004's rule, mean + 3 sd of the segment misclassification rates, over the
/// segments of the last 30 % that hold no labelled event (held out, never trained on). Training goes through
/// <see cref="Trainer"/> (<see cref="TokenWindows"/>), the segment rates through <see cref="TokenSegments"/>.
/// A score belongs to the events it was computed on: segment s predicts events [s S w + w, (s + 1) S w + w) (S windows
/// of w events each; the first w events are only input), so each of those events gets the segment's rate; the first w
/// events and a trailing partial segment have no score.
/// </summary>
public sealed class TokenDetector : IDisposable
{
    public const double FitShare = 0.70;

    public TokenDetectorConfig Config { get; }
    public GruAttentionSeq2Seq Model { get; }
    public Threshold ThresholdRule { get; }
    public double Threshold => ThresholdRule.Value;
    public IReadOnlyList<(double Loss, double Accuracy)> Epochs { get; private init; } = [];

    internal TokenDetector(TokenDetectorConfig config, GruAttentionSeq2Seq model, Threshold threshold)
    {
        Config = config;
        Model = model;
        ThresholdRule = threshold;
    }

    public static GruAttentionSeq2Seq Build(Backend device, TokenDetectorConfig c) =>
        new(device, c.Vocabulary.Size, c.Embedding, c.Hidden, c.State, c.Seed);

    /// <param name="training">epochs, windows per epoch, batch, learning rate and decay (<see cref="TokenDetectorConfig.DefaultTraining"/>);
    /// the sizes come from <paramref name="config"/>, and so does the seed of the shuffling, like that of the initialisation</param>
    public static TokenDetector Train(Backend device, KernelEventTrace trace, TokenDetectorConfig config, TrainOptions training, TextWriter? progress)
    {
        int w = config.Window;
        int segmentEvents = config.SegmentWindows * w;
        int fitEnd = (int)(trace.Length * FitShare);
        KernelEventTrace[] fit = CleanRuns(trace, 0, fitEnd, 2 * w);
        KernelEventTrace heldOut = Sub(trace, fitEnd, trace.Length - fitEnd);
        if (fit.Length == 0)
            throw new DataFormatException(trace.Source, null, null, $"the first {100 * FitShare:F0} % of the {trace.Length} events hold no run of {2 * w} unlabelled events to train on");
        // each held-out segment is scored over segmentEvents + w events (its windows' inputs and targets)
        if (heldOut.Length < 2 * segmentEvents + w)
            throw new DataFormatException(trace.Source, null, null,
                $"{trace.Length} events are too few: the last {100 * (1 - FitShare):F0} % ({heldOut.Length} events) must hold 2 segments of {config.SegmentWindows} windows x {w} events (+ {w}) for the threshold; lower --segment");

        GruAttentionSeq2Seq model = Build(device, config);
        try
        {
            // a short trace (or a small --windows-per-epoch) has fewer windows than a batch: Trainer shrinks the batch to them
            var (epochs, _) = TokenWindows.Fit(model, fit, w, config.Vocabulary.StartId, training with { Seed = config.Seed }, progress);
            double[] rates = TokenSegments.Rates(model, heldOut, config.Vocabulary.StartId, w, config.SegmentWindows);
            bool[] labelled = SegmentHasLabel(heldOut, rates.Length, config);
            double[] clean = [.. rates.Where((_, s) => !labelled[s])];
            if (clean.Length < 2)
                throw new DataFormatException(trace.Source, null, null, $"the held-out last {100 * (1 - FitShare):F0} % has {clean.Length} segment(s) without a labelled event; the threshold needs 2");
            double mean = clean.Average();
            double sd = Math.Sqrt(clean.Sum(r => (r - mean) * (r - mean)) / clean.Length);
            var threshold = new Threshold(mean + 3 * sd, $"mean + 3 sd of {clean.Length} held-out segment rates (seed 004)");
            return new TokenDetector(config, model, threshold) { Epochs = epochs };
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>One score per event of <paramref name="trace"/>: its segment's misclassification rate, NaN where none.</summary>
    public double[] ScoreEvents(KernelEventTrace trace)
    {
        int w = Config.Window, segmentEvents = Config.SegmentWindows * w;
        var scores = new double[trace.Length];
        Array.Fill(scores, double.NaN);
        if (trace.Length < segmentEvents + w) return scores;
        double[] rates = TokenSegments.Rates(Model, trace, Config.Vocabulary.StartId, w, Config.SegmentWindows);
        for (int s = 0; s < rates.Length; s++)
            Array.Fill(scores, rates[s], w + s * segmentEvents, segmentEvents);
        return scores;
    }

    /// <summary>Whether any event a held-out segment is scored on (inputs or targets) is labelled.</summary>
    private static bool[] SegmentHasLabel(KernelEventTrace t, int segments, TokenDetectorConfig c)
    {
        int length = c.SegmentWindows * c.Window;
        var any = new bool[segments];
        if (t.Labels is null) return any;
        for (int s = 0; s < segments; s++) any[s] = t.Labels.AsSpan(s * length, length + c.Window).Contains(true);
        return any;
    }

    /// <summary>The maximal runs of unlabelled events in [start, end) at least <paramref name="minLength"/> long.</summary>
    private static KernelEventTrace[] CleanRuns(KernelEventTrace t, int start, int end, int minLength)
    {
        var runs = new List<KernelEventTrace>();
        int i = start;
        while (i < end)
        {
            if (t.Labels?[i] ?? false) { i++; continue; }
            int j = i;
            while (j < end && !(t.Labels?[j] ?? false)) j++;
            if (j - i >= minLength) runs.Add(Sub(t, i, j - i));
            i = j;
        }
        return [.. runs];
    }

    private static KernelEventTrace Sub(KernelEventTrace t, int start, int count) =>
        new(t.Ids.AsSpan(start, count).ToArray(), t.Labels?.AsSpan(start, count).ToArray(), new Dictionary<string, int>(), t.Source);

    public void Dispose() => Model.Dispose();
}
