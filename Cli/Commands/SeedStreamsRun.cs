using System.CommandLine;
using RnnEngine.Engine;
using RnnEngine.Models.Data.Seeds;
using RnnEngine.Models.Experiments;

namespace RnnEngine.Cli.Commands;

/// <summary>
/// `rnnengine run kdd-smtp | kdd-http | kdd-smtp-http | forest`: seed 001's EncDec-AD on one of its streams (the bundled
/// ODDS files), static and with online updating, beside the seed's published figures and baselines without a network.
/// </summary>
internal static class SeedStreamsRun
{
    public static Command Build(Seed001Stream stream, TextWriter stdout, TextWriter stderr)
    {
        var spec = Seed001StreamSpec.For(stream);
        var d = SeedStreamExperiment.Defaults(spec);
        var common = new RunCommand.Common(spec.Name);
        var data = RunCommand.DataDir();
        var window = Opt.Int("--window", spec.Window, 2, 10_000, "rows per window (the seed's for this stream by default)");
        var hidden = RunCommand.Hidden(spec.Hidden);
        var epochs = RunCommand.Epochs(d.Epochs);
        var patience = RunCommand.Patience(d.Patience);
        var lr = RunCommand.Lr(d.LearningRate);
        var initRows = Opt.Int("--init-rows", spec.InitRows, 10, int.MaxValue, $"rows that initialise (the seed's; at most {d.InitFraction:P0} of the windows)");
        var seeds = Opt.Int("--seeds", d.Seeds.Count, 1, 100, "models trained, with seeds --seed, --seed + 1, ...; the figures are their mean");
        var reference = Opt.Int("--online-reference", d.Online.ReferenceWindows, 1, 10_000_000, "freshest normal windows the error model is refitted on");
        var updating = new OnlineCli(d.Online, hardOption: true);
        Command c = common.Command($"seed 001: EncDec-AD on the {spec.Name} stream ({string.Join(" + ", spec.Files)}), static and updated online",
            [data, window, hidden, epochs, patience, lr, initRows, seeds, reference, .. updating.All]);
        c.SetAction(p =>
        {
            ulong seed = (ulong)p.GetValue(common.Seed);
            var o = d with
            {
                Window = p.GetValue(window), Hidden = p.GetValue(hidden), Epochs = p.GetValue(epochs), Patience = p.GetValue(patience),
                LearningRate = (float)p.GetValue(lr), InitRows = p.GetValue(initRows), Seeds = [.. Enumerable.Range(0, p.GetValue(seeds)).Select(i => seed + (ulong)i)],
                Online = updating.Build(p, seed) with { ReferenceWindows = p.GetValue(reference) },
            };
            string dataDir = p.GetValue(data) ?? RunCommand.FindDataDir();
            string outDir = common.OutDir(p);
            using var backend = common.Backend(p);
            return RunCommand.Report(SeedStreamExperiment.Run(backend, dataDir, o, common.Progress(p, stderr)), outDir, stdout);
        });
        return c;
    }
}
