using System.CommandLine;
using RnnEngine.Models.Online;

namespace RnnEngine.Cli.Commands;

/// <summary>
/// The --online-* options of seed 001's online updating, declared once for every experiment that has it (run powerdemand
/// and the seed's streams), each defaulting to that experiment's <see cref="OnlineOptions"/>.
/// </summary>
internal sealed class OnlineFlags
{
    public readonly Option<int> Batch, Buffer, Epochs, Patience;
    public readonly Option<double> Lr;
    public readonly Option<string> RequireAnomaly, TrainOn, Rehearse, Threshold, Mode;

    public OnlineFlags(OnlineOptions d)
    {
        Batch = Opt.Int("--online-batch", d.BatchWindows, 1, 1000, "windows scored between update checks");
        Buffer = Opt.Int("--online-buffer", d.BufferWindows, 1, 100_000, "hard normal windows collected before an update");
        RequireAnomaly = YesNo("--online-require-anomaly", d.RequireAnomaly, "update only after an anomaly was seen");
        TrainOn = Opt.Choice("--online-train", d.TrainOn == RetrainSet.HardNormals ? "hard" : "all",
            "retrain on all buffered normal windows, or only the hard ones", "all", "hard");
        Rehearse = YesNo("--online-rehearse", d.Rehearse, "mix the original training windows into each update");
        Epochs = Opt.Int("--online-epochs", d.MaxEpochs, 1, 100_000, "most epochs per update");
        Patience = Opt.Int("--online-patience", d.Patience, 1, 100_000, "early-stopping patience of an update");
        Lr = Opt.Double("--online-lr", d.LearningRate, 1e-7, 10, "learning rate of an update");
        Threshold = Opt.Choice("--online-threshold", d.RelearnThreshold ? "relearn" : "keep",
            "after an update, refit the threshold (relearn) or keep it (keep)", "relearn", "keep");
        Mode = Opt.Choice("--online-mode", d.Mode == UpdateMode.Background ? "background" : "sync",
            "update while scoring waits (sync), or beside it (background)", "sync", "background");
    }

    public Option[] All => [Batch, Buffer, RequireAnomaly, TrainOn, Rehearse, Epochs, Patience, Lr, Threshold, Mode];

    public OnlineOptions Read(ParseResult p, OnlineOptions d, ulong seed) => d with
    {
        BatchWindows = p.GetValue(Batch), BufferWindows = p.GetValue(Buffer), RequireAnomaly = p.GetValue(RequireAnomaly) == "yes",
        TrainOn = p.GetValue(TrainOn) == "hard" ? RetrainSet.HardNormals : RetrainSet.AllNormals, Rehearse = p.GetValue(Rehearse) == "yes",
        MaxEpochs = p.GetValue(Epochs), Patience = p.GetValue(Patience), LearningRate = (float)p.GetValue(Lr),
        RelearnThreshold = p.GetValue(Threshold) == "relearn",
        Mode = p.GetValue(Mode) == "background" ? UpdateMode.Background : UpdateMode.Synchronous, Seed = seed,
    };

    private static Option<string> YesNo(string name, bool fallback, string description) =>
        Opt.Choice(name, fallback ? "yes" : "no", description, "yes", "no");
}
