namespace RnnEngine.Models.Online;

/// <summary>How an update runs relative to scoring.</summary>
public enum UpdateMode
{
    /// <summary>The update finishes before the next batch is scored: the same input gives the same scores (tests, reports).</summary>
    Synchronous,

    /// <summary>
    /// The thesis variant: a copy of the model retrains on a second thread while scoring goes on with the current one;
    /// the new weights, error model and threshold are swapped in before the first batch that arrives after the update
    /// has finished. Which batch that is depends on timing, so scores are not reproducible run to run.
    /// </summary>
    Background,
}

/// <summary>What the retraining step trains on.</summary>
public enum RetrainSet
{
    /// <summary>Seed 001's code: only the hard normal windows (expert-normal windows the detector flagged).</summary>
    HardNormals,

    /// <summary>Every expert-normal window seen since the last update, hard ones included: the model also rehearses what it already got right.</summary>
    AllNormals,
}

/// <summary>
/// Seed 001's online updating (src/OnlinePrediction, conf_online.py; the thesis's OnlineAnomalyDetection algorithm),
/// with its per-dataset numbers as options. Defaults are this project's choices for PowerDemand; <c>--online-*</c>
/// flags of <c>rnnengine run powerdemand</c> set each.
/// </summary>
public sealed record OnlineOptions
{
    /// <summary>Windows scored together as one arriving batch. The seed uses 8; its thesis retrains "before batches 10 and 27" of PowerDemand's 39 stream weeks, which is one week per batch.</summary>
    public int BatchWindows { get; init; } = 1;

    /// <summary>Hard normal windows that trigger an update. The seed's power setting (9 batches x 8 = 72 windows) can never fill in PowerDemand's 39 stream weeks.</summary>
    public int BufferWindows { get; init; } = 3;

    /// <summary>Seed 001 also waits until at least one expert-anomalous window has arrived since the last update.</summary>
    public bool RequireAnomaly { get; init; } = true;

    /// <summary>A window is flagged when at least this many of its points exceed the threshold (seed 001: 5 for power).</summary>
    public int HardCriterion { get; init; } = 5;

    /// <summary>
    /// Normal windows the error model is re-estimated on after an update: a queue that starts with the initialisation's
    /// error-model and threshold windows and takes every third easy normal window of each update (held out of its
    /// retraining), dropping the oldest beyond this size (the thesis keeps "the freshest" normal windows).
    /// </summary>
    public int ReferenceWindows { get; init; } = 12;

    /// <summary>Replay the initial training windows in every retraining, so a few new windows do not make the model forget the rest (the seed does not).</summary>
    public bool Rehearse { get; init; } = true;

    public RetrainSet TrainOn { get; init; } = RetrainSet.AllNormals;

    /// <summary>Upper bound on retraining epochs (seed: 300).</summary>
    public int MaxEpochs { get; init; } = 300;

    /// <summary>Retraining stops when the epoch's training loss has not improved by more than <see cref="MinDelta"/> (relative) for this many epochs (seed: more than 10).</summary>
    public int Patience { get; init; } = 10;

    /// <summary>
    /// Relative improvement that counts. The seed compared an absolute 0.005 against a loss that is already ~1e-3 after
    /// initialisation on [0,1]-scaled data, so its retraining always stopped after 11 epochs; a relative change is
    /// independent of the data's scale.
    /// </summary>
    public double MinDelta { get; init; } = 0.01;

    public float LearningRate { get; init; } = 1e-3f;

    /// <summary>Retraining mini-batch (seed: 8).</summary>
    public int TrainBatch { get; init; } = 8;

    /// <summary>
    /// Relearn the threshold after an update (the thesis; the seed's code keeps the initial one): seed 001's F-beta
    /// search between the reference normal windows' point scores and the buffered anomalies', kept when its F-score
    /// reaches 0.7 (branch Final's rule), else twice the largest reference score (the initialisation's fallback). On by
    /// default: the error model is re-estimated at every update, and a threshold kept from the old error model's scale
    /// flags two to three times as many normal weeks on PowerDemand.
    /// </summary>
    public bool RelearnThreshold { get; init; } = true;

    public UpdateMode Mode { get; init; } = UpdateMode.Synchronous;

    /// <summary>Drives the shuffling of retraining batches.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>The training options of one update: <see cref="MinDelta"/> relative to the loss before it, the
    /// shuffling seeded by the windows seen so far.</summary>
    internal Training.TrainOptions Retraining(double lossBefore, int windowsSeen) => new()
    {
        Epochs = MaxEpochs, BatchSize = TrainBatch, LearningRate = LearningRate, Patience = Patience,
        MinDelta = MinDelta * lossBefore, Seed = Seed + (ulong)windowsSeen,
    };
}
