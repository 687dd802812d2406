using System.CommandLine;
using RnnEngine.Models.Online;

namespace RnnEngine.Cli.Commands;

/// <summary>
/// The `--online-*` options of seed 001's updating (see <see cref="OnlineOptions"/>), shared by `run powerdemand
/// --online` and `stream --feedback`; defaults from the options record, so help and code cannot drift.
/// </summary>
internal sealed class OnlineCli
{
    private static readonly OnlineOptions D = new();

    public readonly Option<int> Batch = Opt.Int("--online-batch", D.BatchWindows, 1, 1000, "windows scored between update checks");
    public readonly Option<int> Buffer = Opt.Int("--online-buffer", D.BufferWindows, 1, 100_000, "hard normal windows (labelled normal, flagged) that trigger an update");
    public readonly Option<string> RequireAnomaly = YesNo("--online-require-anomaly", D.RequireAnomaly, "update only once an anomalous window has arrived since the last update");
    public readonly Option<string> TrainOn = Opt.Choice("--online-train", "all", "retrain on all buffered normal windows, or only the hard ones", "all", "hard");
    public readonly Option<string> Rehearse = YesNo("--online-rehearse", D.Rehearse, "mix the initial training windows into each update");
    public readonly Option<int> Epochs = Opt.Int("--online-epochs", D.MaxEpochs, 1, 100_000, "most epochs per update");
    public readonly Option<int> Patience = Opt.Int("--online-patience", D.Patience, 1, 100_000, "early-stopping patience of an update");
    public readonly Option<double> Lr = Opt.Double("--online-lr", D.LearningRate, 1e-7, 10, "learning rate of an update");
    public readonly Option<string> Threshold;
    public readonly Option<string> Mode = Opt.Choice("--online-mode", "sync", "update while scoring waits (sync), or beside it (background)", "sync", "background");
    public readonly Option<int>? Hard;

    /// <param name="stream">`stream --feedback`: the threshold is kept (see FeedbackUpdater), and a window's hard-normal criterion is an option</param>
    public OnlineCli(bool stream)
    {
        Threshold = Opt.Choice("--online-threshold", stream ? "keep" : "relearn", "after an update, refit the threshold (relearn) or keep it (keep)", "relearn", "keep");
        if (stream) Hard = Opt.Int("--online-hard", D.HardCriterion, 1, 100_000, "a window labelled normal is hard when at least this many of its rows were flagged");
    }

    public IEnumerable<Option> All =>
        [Batch, Buffer, RequireAnomaly, TrainOn, Rehearse, Epochs, Patience, Lr, Threshold, Mode, .. Hard is null ? Array.Empty<Option>() : [Hard]];

    public OnlineOptions Build(ParseResult p, ulong seed) => D with
    {
        BatchWindows = p.GetValue(Batch), BufferWindows = p.GetValue(Buffer), RequireAnomaly = p.GetValue(RequireAnomaly) == "yes",
        TrainOn = p.GetValue(TrainOn) == "hard" ? RetrainSet.HardNormals : RetrainSet.AllNormals, Rehearse = p.GetValue(Rehearse) == "yes",
        MaxEpochs = p.GetValue(Epochs), Patience = p.GetValue(Patience), LearningRate = (float)p.GetValue(Lr),
        RelearnThreshold = p.GetValue(Threshold) == "relearn",
        Mode = p.GetValue(Mode) == "background" ? UpdateMode.Background : UpdateMode.Synchronous,
        HardCriterion = Hard is null ? D.HardCriterion : p.GetValue(Hard), Seed = seed,
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
