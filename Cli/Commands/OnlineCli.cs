using System.CommandLine;
using RnnEngine.Models.Online;

namespace RnnEngine.Cli.Commands;

/// <summary>
/// The `--online-*` options of seed 001's updating (see <see cref="OnlineOptions"/>), shared by `run powerdemand
/// --online` and `stream --feedback`; defaults from the options record, so help and code cannot drift.
/// </summary>
internal sealed class OnlineCli
{
    private readonly OnlineOptions defaults;

    public readonly Option<int> Batch, Buffer, Epochs, Patience;
    public readonly Option<double> Lr;
    public readonly Option<string> RequireAnomaly, TrainOn, Rehearse, Threshold, Mode;
    public readonly Option<int>? Hard;

    /// <param name="stream">`stream --feedback`: the threshold is kept (see FeedbackUpdater), and a window's hard-normal criterion is an option</param>
    public OnlineCli(bool stream) : this(stream ? new OnlineOptions { RelearnThreshold = false } : new OnlineOptions(), hardOption: stream) { }

    /// <param name="defaults">the experiment's settings (seed 001's differ per stream), shown in the help and kept for what no option sets</param>
    /// <param name="hardOption">offer --online-hard for <see cref="OnlineOptions.HardCriterion"/></param>
    public OnlineCli(OnlineOptions defaults, bool hardOption)
    {
        this.defaults = defaults;
        Batch = Opt.Int("--online-batch", defaults.BatchWindows, 1, 1000, "windows scored between update checks");
        Buffer = Opt.Int("--online-buffer", defaults.BufferWindows, 1, 100_000, "hard normal windows (labelled normal, flagged) that trigger an update");
        RequireAnomaly = YesNo("--online-require-anomaly", defaults.RequireAnomaly, "update only once an anomalous window has arrived since the last update");
        TrainOn = Opt.Choice("--online-train", defaults.TrainOn == RetrainSet.HardNormals ? "hard" : "all", "retrain on all buffered normal windows, or only the hard ones", "all", "hard");
        Rehearse = YesNo("--online-rehearse", defaults.Rehearse, "mix the initial training windows into each update");
        Epochs = Opt.Int("--online-epochs", defaults.MaxEpochs, 1, 100_000, "most epochs per update");
        Patience = Opt.Int("--online-patience", defaults.Patience, 1, 100_000, "early-stopping patience of an update");
        Lr = Opt.Double("--online-lr", defaults.LearningRate, 1e-7, 10, "learning rate of an update");
        Threshold = Opt.Choice("--online-threshold", defaults.RelearnThreshold ? "relearn" : "keep", "after an update, refit the threshold (relearn) or keep it (keep)", "relearn", "keep");
        Mode = Opt.Choice("--online-mode", defaults.Mode == UpdateMode.Background ? "background" : "sync", "update while scoring waits (sync), or beside it (background)", "sync", "background");
        if (hardOption) Hard = Opt.Int("--online-hard", defaults.HardCriterion, 1, 100_000, "a window labelled normal is hard when at least this many of its rows were flagged");
    }

    public IEnumerable<Option> All =>
        [Batch, Buffer, RequireAnomaly, TrainOn, Rehearse, Epochs, Patience, Lr, Threshold, Mode, .. Hard is null ? Array.Empty<Option>() : [Hard]];

    public OnlineOptions Build(ParseResult p, ulong seed) => defaults with
    {
        BatchWindows = p.GetValue(Batch), BufferWindows = p.GetValue(Buffer), RequireAnomaly = p.GetValue(RequireAnomaly) == "yes",
        TrainOn = p.GetValue(TrainOn) == "hard" ? RetrainSet.HardNormals : RetrainSet.AllNormals, Rehearse = p.GetValue(Rehearse) == "yes",
        MaxEpochs = p.GetValue(Epochs), Patience = p.GetValue(Patience), LearningRate = (float)p.GetValue(Lr),
        RelearnThreshold = p.GetValue(Threshold) == "relearn",
        Mode = p.GetValue(Mode) == "background" ? UpdateMode.Background : UpdateMode.Synchronous,
        HardCriterion = Hard is null ? defaults.HardCriterion : p.GetValue(Hard), Seed = seed,
    };

    /// <summary>Updating options without updating are refused rather than ignored.</summary>
    public void RefuseGiven(ParseResult p, string why)
    {
        foreach (Option o in All)
            if (p.GetResult(o) is { Implicit: false }) throw new UsageException($"{o.Name} does nothing {why}");
    }

    private static Option<string> YesNo(string name, bool fallback, string description) =>
        Opt.Choice(name, fallback ? "yes" : "no", description, "yes", "no");
}
