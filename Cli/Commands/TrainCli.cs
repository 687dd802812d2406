using System.CommandLine;
using RnnEngine.Models.Detection;
using RnnEngine.Models.Training;

namespace RnnEngine.Cli.Commands;

/// <summary>
/// The options of `train`, for the numeric detectors and the token model alike. Where the two kinds differ in a
/// default, the option has no parser default and its description names both (read from the option records, so help
/// and code cannot drift); the options of one kind only are refused for the other.
/// </summary>
internal sealed class TrainCli
{
    private static readonly TrainOptions Numeric = new();
    private static readonly TrainOptions Token = TokenDetectorConfig.DefaultTraining;
    private const string TokenOnly = "(token model only)";

    public readonly Option<string> Data = Opt.Required("--data", "FILE",
        "rows of normal operation in time order: a numeric CSV with a header row, ',' between cells (or --format swat|trace|kev)");
    public readonly Option<string> Out = Opt.Required("--out", "MODEL", "the model file to write (MODEL.state beside it holds the training state)");
    public readonly Option<string> Model = Opt.Choice("--model", TrainCommand.DefaultModel,
        $"one of {string.Join(", ", DetectorConfig.ModelNames)}, {TokenDetectorConfig.ModelName}. next-step-*: predict each row from the " +
        $"window before it; *-ae, encdec-ad: reconstruct the window; {TokenDetectorConfig.ModelName}: kernel-event tokens",
        [.. DetectorConfig.ModelNames, TokenDetectorConfig.ModelName]);
    public readonly Option<string?> Format = Opt.OptionalChoice("--format",
        $"how --data is read: csv, swat (SWaT A1/A2 export), trace (seed 002 program trace JSON), kev (kernel-event trace); default kev for {TokenDetectorConfig.ModelName}, else csv",
        InputFormat.Names);
    public readonly Option<string?> Columns = Opt.Text("--columns", "a,b", "read only these columns (default: all)");
    public readonly Option<string?> Labels = Opt.Text("--labels", "LABELS.csv",
        "labels of the training rows (index,label or one 0/1 column): labelled rows are left out of fitting and threshold");
    public readonly Option<bool> NoHeader = Opt.NoHeader();
    public readonly Option<string?> Window = Opt.Text("--window", "N|auto",
        $"time steps per window (default auto: the dominant period of the scored columns within [8, 128], else 32; token model {TokenDetectorConfig.DefaultWindow})");
    public readonly Option<int?> Hidden = Opt.OptionalInt("--hidden", 1, 4096, $"hidden units per recurrent layer (default {TrainCommand.DefaultHidden}; token model {TokenDetectorConfig.DefaultHidden})");
    public readonly Option<string> Device = Opt.Device();
    public readonly Option<int> Threads = Opt.Threads();
    public readonly Option<int?> Epochs = Opt.OptionalInt("--epochs", 1, 100_000, $"most epochs (default {Numeric.Epochs}, early stopping ends sooner; token model {Token.Epochs})");
    public readonly Option<double> MaxMinutes = Opt.Double("--max-minutes", 10, 0.01, 1e6, "stop training after this many minutes (all ensemble members together)", "M");
    public readonly Option<int> LrPatience = Opt.Int("--lr-patience", 4, 0, 100_000, "halve the learning rate after this many epochs without a better validation loss (0: never)");
    public readonly Option<int?> Batch = Opt.OptionalInt("--batch", 1, 65_536, $"windows per step (default {Numeric.BatchSize}; token model {Token.BatchSize})");
    public readonly Option<double?> Lr = Opt.OptionalDouble("--lr", 1e-7, 10, $"Adam learning rate (default {Numeric.LearningRate:G3}; token model {Token.LearningRate:G3} with decay)");
    public readonly Option<int> Patience = Opt.Int("--patience", Numeric.Patience, 1, 100_000, "stop after this many epochs without a better validation loss");
    public readonly Option<int> Seed = Opt.Seed();
    public readonly Option<string> Decode = Opt.Choice("--decode", "teacher", "encdec-ad's decoder input: the true previous row (teacher) or its own output (free)", "teacher", "free");
    public readonly Option<string?> Score = Opt.OptionalChoice("--score",
        "channel: mean of the largest per-column error z-scores (default); gaussian: the joint error likelihood (default for --format trace)", DetectorConfig.ScoreNames);
    public readonly Option<string?> Threshold = Opt.OptionalChoice("--threshold",
        "pot: peaks over threshold on held-out scores at --risk (default); gaussian: seed 001's F-beta search or twice the largest normal score (default for --format trace); dynamic: telemanom's pruned dynamic threshold",
        DetectorConfig.ThresholdNames);
    public readonly Option<int?> Smooth = Opt.OptionalInt("--smooth", 1, 100_000, $"span of the causal exponential smoothing of the score (default {TrainCommand.DefaultSmoothing}; 1 for --format trace)");
    public readonly Option<double> Risk = Opt.Double("--risk", 1e-3, 1e-9, 0.5, "false-alarm risk per row of the pot threshold");
    public readonly Option<int?> EventGap = Opt.OptionalInt("--event-gap", 0, 10_000_000, $"exceedances closer than this many rows are one event (default {TrainCommand.DefaultGapWindows} windows; 0 for --format trace)");
    public readonly Option<string?> ScoreColumns = Opt.Text("--score-columns", "a,b", "score only these columns (names or 0-based indices; default: the measurements found on the training rows)");
    public readonly Option<double> UnscoredScale = Opt.Double("--unscored-scale", TrainCommand.DefaultUnscoredScale, 1e-3, 1, "input scale of the columns left out of the score");
    public readonly Option<int> TopChannels = Opt.Int("--top-channels", TrainCommand.DefaultTopChannels, 0, 100_000, "the row score is the mean of this many largest channel scores (0: all)");
    public readonly Option<double> RobustTrim = Opt.Double("--robust-trim", TrainCommand.DefaultRobustTrim, 0, 0.5, "share of worst-fitted training windows dropped in a second pass (for contaminated training data)");
    public readonly Option<int> Ensemble = Opt.Int("--ensemble", TrainCommand.DefaultEnsemble, 1, 64, "networks from consecutive seeds whose predictions are averaged");
    public readonly Option<bool> Quiet = Opt.Quiet();
    public readonly Option<bool> Resume = Opt.Flag("--resume", "go on from MODEL.state (saved after every epoch) with the same data and settings");
    public readonly Option<string> Missing = Opt.Missing();
    public readonly Option<int> Resample = Opt.Int("--resample", 0, 0, 86_400, "--format swat: mean of bins of this many seconds (0: every row)", "S");
    public readonly Option<string?> Config = Opt.Config();
    // the token model's own options
    public readonly Option<string?> Vocabulary = Opt.Text("--vocabulary", "FILE.json", $"{TokenOnly} the token vocabulary (default: seed 004's, bundled)");
    public readonly Option<string?> LabelColumn = Opt.Text("--label-column", "NAME", $"{TokenOnly} a 0/1 column of the trace that labels events");
    public readonly Option<string> DecoderState = Opt.Choice("--decoder-state", "carry", $"{TokenOnly} the decoder's first state: the encoder's last (carry) or zeros (reset)", "carry", "reset");
    public readonly Option<int> Segment = Opt.Int("--segment", TokenDetectorConfig.DefaultSegmentWindows, 1, 1_000_000, $"{TokenOnly} windows per scored segment");
    public readonly Option<int> Embedding = Opt.Int("--embedding", TokenDetectorConfig.DefaultEmbedding, 1, 4096, $"{TokenOnly} token embedding width");
    public readonly Option<int> WindowsPerEpoch = Opt.Int("--windows-per-epoch", Token.ExamplesPerEpoch, 1, 100_000_000, $"{TokenOnly} windows sampled per epoch");
    public readonly Option<double> LrDecay = Opt.Double("--lr-decay", Math.Round(Token.LearningRateDecay, 6), 0, 10, $"{TokenOnly} learning-rate decay per epoch");

    public IEnumerable<Option> All =>
    [
        Data, Out, Model, Format, Columns, Labels, NoHeader, Window, Hidden, Device, Threads, Epochs, MaxMinutes, LrPatience, Batch, Lr,
        Patience, Seed, Decode, Score, Threshold, Smooth, Risk, EventGap, ScoreColumns, UnscoredScale, TopChannels, RobustTrim, Ensemble,
        Quiet, Resume, Missing, Resample, Config, Vocabulary, LabelColumn, DecoderState, Segment, Embedding, WindowsPerEpoch, LrDecay,
    ];

    private IEnumerable<Option> TokenOptions => [Vocabulary, LabelColumn, DecoderState, Segment, Embedding, WindowsPerEpoch, LrDecay];

    private IEnumerable<Option> NumericOptions =>
    [
        Columns, Labels, NoHeader, MaxMinutes, LrPatience, Patience, Decode, Score, Threshold, Smooth, Risk, EventGap, ScoreColumns,
        UnscoredScale, TopChannels, RobustTrim, Ensemble, Resume, Missing, Resample,
    ];

    /// <summary>--window as rows, null when not given or "auto" (where <paramref name="allowAuto"/>).</summary>
    public int? WindowRows(ParseResult p, int min, int max, bool allowAuto)
    {
        string? text = p.GetValue(Window);
        if (text is null || (allowAuto && text == "auto")) return null;
        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int w) && w >= min && w <= max ? w
            : throw new UsageException($"--window expects {(allowAuto ? "auto or " : "")}an integer in [{min}, {max}], got '{text}'");
    }

    /// <summary>A numeric detector does not read the token model's options: naming one is a mistake worth saying.</summary>
    public void RefuseTokenOptions(ParseResult p) => Refuse(p, TokenOptions, "applies to the token model only");

    public void RefuseNumericOptions(ParseResult p) => Refuse(p, NumericOptions, $"does not apply to {TokenDetectorConfig.ModelName}");

    private static void Refuse(ParseResult p, IEnumerable<Option> options, string why)
    {
        foreach (Option option in options)
            if (p.GetResult(option) is { Implicit: false }) throw new UsageException($"{option.Name} {why}");
    }
}
