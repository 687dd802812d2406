using System.CommandLine;
using RnnEngine.Models.Architectures;
using RnnEngine.Models.Experiments;

namespace RnnEngine.Cli.Commands;

/// <summary>`rnnengine run traces-synthetic`: seed 002's next-event predictor on the synthetic program traces.</summary>
internal static class TracesRun
{
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var d = new TraceOptions();
        var common = new RunCommand.Common("traces-synthetic");
        var cell = Opt.Choice("--cell", "lstm", "recurrent cell of both layers", "lstm", "gru");
        var window = Opt.Int("--window", d.Window, 2, 10_000, "events per input window");
        var hidden = Opt.Int("--hidden", d.Hidden1, 1, 4096, "hidden units of the first layer");
        var hidden2 = Opt.Int("--hidden2", d.Hidden2, 1, 4096, "hidden units of the second layer");
        var dropout = Opt.Double("--dropout", d.Dropout, 0, 0.95, "dropout between the layers while training");
        var epochs = Opt.Int("--epochs", d.Epochs, 1, 100_000, "most training epochs (early stopping may end sooner)");
        var patience = Opt.Int("--patience", d.Patience, 1, 100_000, "stop after this many epochs without a better validation loss");
        var batch = Opt.Int("--batch", d.BatchSize, 1, 100_000, "windows per step");
        var lr = Opt.Double("--lr", d.LearningRate, 1e-7, 10, "learning rate");
        var trainCycles = Opt.Int("--train-cycles", d.TrainCycles, 10, 1_000_000, "program cycles of the normal training trace");
        var testCycles = Opt.Int("--test-cycles", d.TestCycles, 10, 1_000_000, "program cycles of the test trace");
        var faults = Opt.Int("--faults", d.Faults, 0, 100_000, "faults injected into the test trace");
        var percentile = Opt.Double("--percentile", d.Percentile, 0, 100, "threshold: this percentile of the validation scores", "P");
        var smooth = Opt.Int("--smooth", d.Smooth, 1, 1000, "moving-average span of the score");
        var score = Opt.Choice("--score", "normalised", "error per event normalised by its variable's spread, or the plain absolute error", "normalised", "mae");
        Command c = common.Command("seed 002: a two-layer LSTM/GRU predicting the next event of generated program traces with injected faults",
            cell, window, hidden, hidden2, dropout, epochs, patience, batch, lr, trainCycles, testCycles, faults, percentile, smooth, score);
        c.SetAction(p =>
        {
            var o = d with
            {
                Cell = p.GetValue(cell) == "gru" ? RecurrentCell.Gru : RecurrentCell.Lstm,
                Window = p.GetValue(window), Hidden1 = p.GetValue(hidden), Hidden2 = p.GetValue(hidden2), Dropout = (float)p.GetValue(dropout),
                Epochs = p.GetValue(epochs), Patience = p.GetValue(patience), BatchSize = p.GetValue(batch), LearningRate = (float)p.GetValue(lr),
                TrainCycles = p.GetValue(trainCycles), TestCycles = p.GetValue(testCycles), Faults = p.GetValue(faults),
                Percentile = p.GetValue(percentile), Smooth = p.GetValue(smooth), Normalise = p.GetValue(score) == "normalised",
                Seed = (ulong)p.GetValue(common.Seed),
            };
            string outDir = common.OutDir(p);
            using var backend = common.Backend(p);
            return RunCommand.Report(TraceExperiment.Run(backend, o, common.Progress(p, stderr)), outDir, stdout);
        });
        return c;
    }
}
