using RnnEngine.Models.Architectures;
using RnnEngine.Models.Scoring;
using RnnEngine.Models.Thresholds;
using RnnEngine.Models.Training;

namespace RnnEngine.Models.Online;

/// <summary>One finished update: where in the stream it took effect and what it learned from.</summary>
public sealed record UpdateRecord(int BeforeWindow, int HardNormals, int Normals, int Anomalies, int TrainWindows, int HeldOutWindows, int Epochs,
    double LossBefore, double LossAfter, double Threshold)
{
    /// <summary>Whether the error model and threshold were fitted again (a stream update with too few held-out rows keeps them).</summary>
    public bool Recalibrated { get; init; } = true;
}

/// <summary>
/// Seed 001's streaming detector with online updating. Batches of windows arrive with their expert labels (a window
/// is anomalous when any of its rows is). Each batch is first scored with the current model: the point score is the
/// squared Mahalanobis distance of |x - x̂| under the Gaussian error model, the window score its largest point score,
/// and the window is flagged when at least <see cref="OnlineOptions.HardCriterion"/> points exceed the threshold.
/// Only then are the labels used, to fill three buffers:
/// <list type="bullet">
/// <item>anomalies: every expert-anomalous window;</item>
/// <item>hard normals: expert-normal windows that were flagged (false positives);</item>
/// <item>normals: every expert-normal window (the seed's err_nbuf).</item>
/// </list>
/// When the hard-normal buffer holds <see cref="OnlineOptions.BufferWindows"/> windows (and, as in the seed, at least
/// one anomaly has arrived) the model continues training on the buffered normal windows, the error model is
/// re-estimated from the normal windows' errors under the retrained model (the seed used errors measured before
/// retraining, which describe a model that no longer exists), the threshold is optionally relearned, and the buffers
/// are cleared. Scores already given are never revised: they are what a live detector would have reported.
/// </summary>
public sealed class OnlineDetector : IDisposable
{
    private readonly IWindowModel model;
    private readonly OnlineOptions options;
    private readonly Func<IWindowModel>? makeTwin;
    private readonly UpdateBuffers buffers = new();
    private readonly List<UpdateRecord> updates = [];
    private readonly Queue<float[]> reference = new();
    private readonly List<float[]> rehearsal = [];
    private IWindowModel? twin;
    private Task<Outcome>? pending;
    private int windowsSeen;

    /// <param name="makeTwin">builds an untrained model of the same architecture on its own backend; required for <see cref="UpdateMode.Background"/></param>
    /// <param name="referenceNormals">the normal windows [count, T, F] the initial error model and threshold came from; the first of the queue the error model is re-estimated on</param>
    /// <param name="initialTraining">the windows the model was first trained on, replayed in every retraining when <see cref="OnlineOptions.Rehearse"/> is set</param>
    public OnlineDetector(IWindowModel model, GaussianErrorModel errorModel, double threshold, ReadOnlySpan<float> referenceNormals,
        ReadOnlySpan<float> initialTraining, OnlineOptions options, Func<IWindowModel>? makeTwin = null)
    {
        if (options.BatchWindows <= 0) throw new ArgumentOutOfRangeException(nameof(options), $"batch windows must be positive, got {options.BatchWindows}");
        if (options.BufferWindows <= 0) throw new ArgumentOutOfRangeException(nameof(options), $"buffer windows must be positive, got {options.BufferWindows}");
        if (options.Mode == UpdateMode.Background && makeTwin is null)
            throw new ArgumentException("background updating needs a way to build a second copy of the model");
        this.model = model;
        ErrorModel = errorModel;
        Threshold = threshold;
        this.options = options;
        this.makeTwin = makeTwin;
        int size = model.Window * model.Features;
        if (referenceNormals.Length % size != 0) throw new ArgumentException($"{referenceNormals.Length} reference values are not whole windows of [T={model.Window}, F={model.Features}]");
        for (int i = 0; i < referenceNormals.Length; i += size) reference.Enqueue(referenceNormals.Slice(i, size).ToArray());
        if (initialTraining.Length % size != 0) throw new ArgumentException($"{initialTraining.Length} training values are not whole windows of [T={model.Window}, F={model.Features}]");
        if (options.Rehearse)
            for (int i = 0; i < initialTraining.Length; i += size) rehearsal.Add(initialTraining.Slice(i, size).ToArray());
    }

    public GaussianErrorModel ErrorModel { get; private set; }
    public double Threshold { get; private set; }
    public IReadOnlyList<UpdateRecord> Updates => updates;

    /// <summary>
    /// Scores <paramref name="count"/> windows [count, T, F] into <paramref name="windowScores"/> and
    /// <paramref name="flagged"/>, then files them into the buffers by <paramref name="isAnomalous"/> and updates when
    /// the trigger fires.
    /// </summary>
    public void ProcessBatch(ReadOnlySpan<float> windows, int count, ReadOnlySpan<bool> isAnomalous, Span<double> windowScores, Span<bool> flagged)
    {
        ScoreBatch(windows, count, windowScores, flagged);
        Learn(isAnomalous);
    }

    private float[][]? scored;     // the windows of the batch scored last, until their labels come
    private bool[]? scoredFlags;

    /// <summary>
    /// The first half of <see cref="ProcessBatch"/>: scores <paramref name="count"/> windows [count, T, F] with the
    /// current model; <see cref="Learn"/> must get their labels before the next batch is scored (a stream reads them
    /// only now, after the scores are out).
    /// </summary>
    public void ScoreBatch(ReadOnlySpan<float> windows, int count, Span<double> windowScores, Span<bool> flagged)
    {
        int size = model.Window * model.Features;
        if (windows.Length != count * size || windowScores.Length != count || flagged.Length != count)
            throw new ArgumentException($"a batch of {count} windows of [T={model.Window}, F={model.Features}] needs {count * size} values and {count} outputs");
        if (scored is not null) throw new InvalidOperationException("the last batch's labels have not been given (Learn)");
        if (pending is { IsCompleted: true }) Apply(pending.Result);

        double[] points = PointScores(model, ErrorModel, windows, count);
        int t = model.Window;
        for (int w = 0; w < count; w++)
        {
            double max = double.NegativeInfinity;
            int above = 0;
            for (int i = w * t; i < (w + 1) * t; i++)
            {
                max = Math.Max(max, points[i]);
                if (points[i] > Threshold) above++;
            }
            windowScores[w] = max;
            flagged[w] = above >= options.HardCriterion;
        }
        scored = new float[count][];
        for (int w = 0; w < count; w++) scored[w] = windows.Slice(w * size, size).ToArray();
        scoredFlags = flagged.ToArray();
    }

    /// <summary>Instead of <see cref="Learn"/> when the batch's labels never came: nothing is learned from it.</summary>
    public void Forget()
    {
        if (scoredFlags is null) throw new InvalidOperationException("no scored batch waits for its labels");
        windowsSeen += scoredFlags.Length;
        scored = null;
        scoredFlags = null;
    }

    /// <summary>The second half of <see cref="ProcessBatch"/>: files the windows scored last into the buffers by their
    /// labels and updates when the trigger fires.</summary>
    public void Learn(ReadOnlySpan<bool> isAnomalous)
    {
        if (scored is null || scoredFlags is null) throw new InvalidOperationException("no scored batch waits for its labels");
        int count = scoredFlags.Length;
        if (isAnomalous.Length != count) throw new ArgumentException($"{isAnomalous.Length} labels for a batch of {count} windows");
        for (int w = 0; w < count; w++) buffers.File(scored[w], isAnomalous[w], scoredFlags[w]);
        scored = null;
        scoredFlags = null;
        windowsSeen += count;
        if (pending is null && buffers.Due(options)) StartUpdate();
    }

    /// <summary>Waits for a background update still running and applies it (call at the end of a stream).</summary>
    public void Drain()
    {
        if (pending is not null) Apply(pending.Result);
    }

    private void StartUpdate()
    {
        var job = new Job([.. buffers.Anomalies], [.. buffers.HardNormals], [.. buffers.Normals], windowsSeen);
        buffers.Clear();
        if (options.Mode == UpdateMode.Synchronous)
        {
            Apply(Retrain(model, job));
            return;
        }
        twin ??= makeTwin!();
        for (int i = 0; i < model.Parameters.Count; i++) twin.Parameters[i].Value.CopyFrom(model.Parameters[i].Value.ToArray());
        IWindowModel trainee = twin;
        pending = Task.Run(() => Retrain(trainee, job));
    }

    private void Apply(Outcome outcome)
    {
        pending = null;
        if (outcome.Weights is not null)
            for (int i = 0; i < model.Parameters.Count; i++) model.Parameters[i].Value.CopyFrom(outcome.Weights[i]);
        ErrorModel = outcome.ErrorModel;
        Threshold = outcome.Threshold;
        updates.Add(outcome.Record with { BeforeWindow = windowsSeen });
    }

    private Outcome Retrain(IWindowModel m, Job job)
    {
        // Every third easy normal window is held out of training: the error model (and a relearned threshold) must be
        // fitted on errors of windows the retrained model has not just been fitted to, or they describe an optimistic
        // model and every later score inflates.
        var train = new List<float[]>();
        int easy = 0;
        foreach (float[] w in job.Normals)
        {
            bool hard = job.HardNormals.Contains(w);
            if (!hard && easy++ % 3 == 2) reference.Enqueue(w);
            else if (hard || options.TrainOn == RetrainSet.AllNormals) train.Add(w);
        }
        while (reference.Count > options.ReferenceWindows) reference.Dequeue();
        train.AddRange(rehearsal);
        var heldOut = reference.ToList();
        var trainSet = Stack(train, m);
        double before = Inference.Loss(m, trainSet);
        var report = Trainer.Fit(m, trainSet, trainSet, options.Retraining(before, job.Seen), progress: null);
        double after = Inference.Loss(m, trainSet);

        var normalSet = Stack(heldOut, m);
        float[] errors = AbsErrors(m, normalSet.Inputs, normalSet.Count);
        var errorModel = GaussianErrorModel.Fit(errors, m.Features);
        double threshold = Threshold;
        if (options.RelearnThreshold)
        {
            double[] normalScores = PointScores(m, errorModel, normalSet.Inputs, normalSet.Count);
            var anomalySet = Stack(job.Anomalies, m);
            double[] anomalyScores = anomalySet.Count == 0 ? [] : PointScores(m, errorModel, anomalySet.Inputs, anomalySet.Count);
            var rule = ThresholdRules.FBetaSearch(normalScores, anomalyScores);
            // branch Final's rule: a searched threshold with a poor F-score is not trusted
            threshold = rule.FBeta is double f && f < MinRelearnedFScore ? ThresholdRules.TwiceMaxNormal(normalScores).Value : rule.Value;
        }
        float[][]? weights = ReferenceEquals(m, model) ? null : [.. m.Parameters.Select(p => p.Value.ToArray())];
        var record = new UpdateRecord(job.Seen, job.HardNormals.Count, job.Normals.Count, job.Anomalies.Count, train.Count,
            heldOut.Count, report.EpochsRun, before, after, threshold);
        return new Outcome(weights, errorModel, threshold, record);
    }

    /// <summary>Seed 001's branch Final kept a relearned threshold only when its F-score reached 0.7.</summary>
    private const double MinRelearnedFScore = 0.7;

    private static TrainingSet Stack(List<float[]> windows, IWindowModel m)
    {
        int size = m.Window * m.Features;
        var data = new float[windows.Count * size];
        for (int i = 0; i < windows.Count; i++) windows[i].CopyTo(data, i * size);
        return new TrainingSet(data, data, windows.Count, m.Window, m.Features);
    }

    private static float[] AbsErrors(IWindowModel m, ReadOnlySpan<float> windows, int count)
    {
        float[] output = Inference.PredictAll(m, windows, count);
        return PointErrors.Absolute(windows, output);
    }

    private static double[] PointScores(IWindowModel m, GaussianErrorModel errorModel, ReadOnlySpan<float> windows, int count)
    {
        float[] e = AbsErrors(m, windows, count);
        int f = m.Features;
        var scores = new double[e.Length / f];
        for (int i = 0; i < scores.Length; i++) scores[i] = errorModel.SquaredDistance(e.AsSpan(i * f, f));
        return scores;
    }

    public void Dispose()
    {
        try { pending?.Wait(); }
        catch (AggregateException) { }   // the update's failure was already surfaced by Drain, or the stream ended by an error
        twin?.Dispose();
    }

    private sealed record Job(List<float[]> Anomalies, List<float[]> HardNormals, List<float[]> Normals, int Seen);

    private sealed record Outcome(float[][]? Weights, GaussianErrorModel ErrorModel, double Threshold, UpdateRecord Record);
}
