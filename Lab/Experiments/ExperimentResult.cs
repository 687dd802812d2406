namespace RnnEngine.Models.Experiments;

/// <summary>One model's outcome on one experiment: window-level metrics on the test windows and how training went.</summary>
public sealed record ModelResult(
    string Name,
    string Model,
    string Task,
    double RocAuc,
    double PrAuc,
    int TestWindows,
    int AnomalousWindows,
    double? Threshold,
    int? FlaggedWindows,
    int EpochsRun,
    int BestEpoch,
    double BestValidationLoss,
    double TrainSeconds,
    int Parameters)
{
    /// <summary>The evaluation suite (point-wise, PA, PA%K, event, delay, oracle, random baseline) on the test rows, when the run has per-row scores.</summary>
    public Metrics.EvaluationSuite? Evaluation { get; init; }

    /// <summary>What <see cref="Evaluation"/> was computed over.</summary>
    public string? EvaluationLevel { get; init; }
}

/// <summary>
/// What a plot needs: the test series (one feature shown), a score per series row (NaN where none), the threshold,
/// and the per-row anomaly labels.
/// </summary>
public sealed record PlotData(double[] Series, double[] Score, double? Threshold, bool[] Labels)
{
    /// <summary>What <see cref="Series"/> is, for the plot's legend.</summary>
    public string SeriesName { get; init; } = "series";
    /// <summary>The series' axis: its unit or scaling.</summary>
    public string ValueLabel { get; init; } = "value";
    /// <summary>What <see cref="Score"/> is, for the plot's legend.</summary>
    public string ScoreName { get; init; } = "anomaly score";
    /// <summary>Where the rows come from, for the plot's title.</summary>
    public string Data { get; init; } = "test rows";
}

public sealed record ExperimentResult(string Experiment, string Seed, string Device, IReadOnlyList<ModelResult> Models,
    IReadOnlyDictionary<string, PlotData> Plots, IReadOnlyDictionary<string, string> Settings, double Seconds)
{
    /// <summary>Seed 002: event-wise detection figures and protocol, written to results.json as "detection".</summary>
    public IReadOnlyDictionary<string, object?>? Detection { get; init; }
    /// <summary>Headline numbers beyond the window ROC AUC (e.g. seed 000's event recall and precision at its threshold), written to results.json as "metrics".</summary>
    public IReadOnlyDictionary<string, double>? Metrics { get; init; }
    /// <summary>Seed 001's online updates in stream order (empty without --online), written to results.json as "updates".</summary>
    public IReadOnlyList<Online.UpdateRecord> Updates { get; init; } = [];
    /// <summary>Raw z-score (and for several columns Hotelling T^2 and PCA error) fitted on the model's training rows,
    /// on the same test windows: whether the network adds anything. Written to results.json as "baselines".</summary>
    public IReadOnlyList<Metrics.BaselineResult> Baselines { get; init; } = [];
}
