using RnnEngine.Models.Architectures;

namespace RnnEngine.Models.Detection;

/// <summary>Everything needed to rebuild a detector's network before its weights are loaded (stored in the checkpoint).</summary>
public sealed record DetectorConfig
{
    /// <summary>One of <see cref="ModelNames"/>.</summary>
    public required string Model { get; init; }
    public required int Window { get; init; }
    public required int Features { get; init; }
    public int Hidden { get; init; } = 32;
    /// <summary>FC widths between input and output (fc-ae only); empty = [2H, H, 2H].</summary>
    public IReadOnlyList<int> FcSizes { get; init; } = [];
    public DecodeMode Decode { get; init; } = DecodeMode.Teacher;
    public ulong Seed { get; init; } = 1;
    public IReadOnlyList<string> Columns { get; init; } = [];
    /// <summary>How the data file is read: "csv" (any numeric CSV), "swat" (the SWaT export) or "trace" (a seed 002
    /// program trace, features one-hot id and ln(1 + dt)); score reads the same.</summary>
    public string Format { get; init; } = "csv";
    /// <summary>SWaT only: mean-resampling bin in seconds (0 = the 1 Hz rows).</summary>
    public int ResampleSeconds { get; init; }

    /// <summary>"channel": the one-sided per-channel standardised error (<see cref="Scoring.ChannelScore"/>); "gaussian":
    /// seed 001's squared Mahalanobis distance of the absolute error vector (two-sided, every column).</summary>
    public string Score { get; init; } = "channel";
    /// <summary>Span of the causal exponential smoothing of the row score (1: none).</summary>
    public int Smoothing { get; init; } = 1;
    /// <summary>"pot": peaks over threshold at <see cref="Risk"/>; "gaussian": seed 001's F-beta search on labelled
    /// held-out rows, else twice the largest normal score; "dynamic": telemanom's threshold on the last scores of the
    /// scored data itself (<see cref="Thresholds.DynamicThreshold"/>).</summary>
    public string ThresholdRule { get; init; } = "pot";
    /// <summary>Probability that a normal row's score exceeds a "pot" threshold.</summary>
    public double Risk { get; init; } = 1e-3;
    /// <summary>Exceedances fewer than this many rows apart form one event (<see cref="Thresholds.AlarmHold"/>).</summary>
    public int EventGap { get; init; }
    /// <summary>Scored columns chosen by the user (--score-columns); empty: chosen from the column roles.</summary>
    public IReadOnlyList<int> ScoreColumns { get; init; } = [];
    /// <summary>Unscored columns enter the network at this fraction of their standard scale (training only; the
    /// scaler stored with the model holds it).</summary>
    public double UnscoredScale { get; init; } = 1.0;
    /// <summary>The channel score averages this many of the largest channel scores of a row (0: all).</summary>
    public int TopChannels { get; init; }
    /// <summary>Robust pass: after training, this fraction of the training windows with the largest errors is dropped
    /// and training goes on without them (0: no robust pass). Training only; not stored.</summary>
    public double RobustTrim { get; init; }

    public static readonly string[] ScoreNames = ["channel", "gaussian"];
    public static readonly string[] ThresholdNames = ["pot", "gaussian", "dynamic"];

    public static readonly string[] ModelNames = ["encdec-ad", "lstm-ae", "gru-ae", "fc-ae", "repeat-lstm-ae", "next-step-lstm", "next-step-gru"];

    /// <summary>Seed 002's predictors: the target of a window is the window shifted by one row, so row t is scored by
    /// its prediction from the T rows before it; the others reconstruct their input window.</summary>
    public bool PredictsNextRow => Model is "next-step-lstm" or "next-step-gru";

    /// <summary>Rows the score of one row looks at: its window (reconstruction) or the T rows before it and itself (next row).</summary>
    public int Span => PredictsNextRow ? Window + 1 : Window;

    /// <summary>Networks averaged (<see cref="EnsembleModel"/>); member k is seeded Seed + k.</summary>
    public int Ensemble { get; init; } = 1;

    public IWindowModel Build(RnnEngine.Engine.Backend device) => Ensemble <= 1 ? Build(device, Seed)
        : new EnsembleModel([.. Enumerable.Range(0, Ensemble).Select(k => Build(device, Seed + (ulong)k))]);

    private IWindowModel Build(RnnEngine.Engine.Backend device, ulong seed) => Model switch
    {
        "encdec-ad" => new EncDecAd(device, Window, Features, Hidden, seed, Decode),
        "lstm-ae" => new RecurrentAutoencoder(device, RecurrentCell.Lstm, Window, Features, Hidden, seed),
        "gru-ae" => new RecurrentAutoencoder(device, RecurrentCell.Gru, Window, Features, Hidden, seed),
        "fc-ae" => new FcAutoencoder(device, Window, Features, FcSizes.Count > 0 ? FcSizes : [2 * Hidden, Hidden, 2 * Hidden], seed),
        // seed 000: embedding = hidden, linear head, L2 (the detector's MSE score)
        "repeat-lstm-ae" => new RepeatLstmAutoencoder(device, Window, Features, Hidden, Hidden, linearHead: true, ReconstructionLoss.L2, seed),
        // seed 002's two layers of halving width (128 -> 64); no dropout (the traces run's measured default)
        "next-step-lstm" => new NextStepPredictor(device, RecurrentCell.Lstm, Window, Features, Hidden, Math.Max(1, Hidden / 2), 0f, seed),
        "next-step-gru" => new NextStepPredictor(device, RecurrentCell.Gru, Window, Features, Hidden, Math.Max(1, Hidden / 2), 0f, seed),
        _ => throw new ArgumentException($"unknown model '{Model}'; expected {string.Join(", ", ModelNames)}"),
    };
}
