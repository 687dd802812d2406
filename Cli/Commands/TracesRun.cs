using RnnEngine.Engine;
using RnnEngine.Models.Architectures;
using RnnEngine.Models.Experiments;

namespace RnnEngine.Cli.Commands;

/// <summary>`rnnengine run traces-synthetic`: seed 002's next-event predictor on the synthetic program traces.</summary>
internal static class TracesRun
{
    public static ExperimentResult Run(CommandArgs args, string device, int threads, ulong seed, TextWriter? progress)
    {
        var d = new TraceOptions();
        var o = d with
        {
            Cell = args.String("cell", "lstm") switch
            {
                "lstm" => RecurrentCell.Lstm,
                "gru" => RecurrentCell.Gru,
                string s => throw new UsageException($"--cell expects lstm or gru, got '{s}'"),
            },
            Window = args.Int("window", d.Window, 2, 10_000),
            Hidden1 = args.Int("hidden", d.Hidden1, 1, 4096),
            Hidden2 = args.Int("hidden2", d.Hidden2, 1, 4096),
            Dropout = (float)args.Double("dropout", d.Dropout, 0, 0.95),
            Epochs = args.Int("epochs", d.Epochs, 1, 100_000),
            Patience = args.Int("patience", d.Patience, 1, 100_000),
            BatchSize = args.Int("batch", d.BatchSize, 1, 100_000),
            LearningRate = (float)args.Double("lr", d.LearningRate, 1e-7, 10),
            TrainCycles = args.Int("train-cycles", d.TrainCycles, 10, 1_000_000),
            TestCycles = args.Int("test-cycles", d.TestCycles, 10, 1_000_000),
            Faults = args.Int("faults", d.Faults, 0, 100_000),
            Percentile = args.Double("percentile", d.Percentile, 0, 100),
            Smooth = args.Int("smooth", d.Smooth, 1, 1000),
            Normalise = args.String("score", "normalised") switch
            {
                "normalised" => true,
                "mae" => false,
                string s => throw new UsageException($"--score expects normalised or mae, got '{s}'"),
            },
            Seed = seed,
        };
        args.EnsureAllUsed();
        using var backend = Devices.Create(device, threads);
        return TraceExperiment.Run(backend, o, progress);
    }
}
