using RnnEngine.Cli.Output;
using RnnEngine.Engine;
using RnnEngine.Models.Architectures;
using RnnEngine.Models.Experiments;
using RnnEngine.Models.Online;

namespace RnnEngine.Cli.Commands;

/// <summary>
/// `rnnengine run powerdemand|sine`: a seed's experiment end to end on the bundled data: summary table on stdout,
/// training progress on stderr, results.json and PNG plots in --out.
/// </summary>
public static class RunCommand
{
    public static int Run(CommandArgs args, TextWriter stdout, TextWriter stderr)
    {
        string what = args.Positional.Count > 0 ? args.Positional[0]
            : throw new UsageException("run needs an experiment: 'run powerdemand' or 'run sine'");
        string device = args.String("device", "auto");
        int threads = args.Int("threads", 0, 0, 256);
        string outDir = args.String("out", Path.Combine("out", what));
        string dataDir = args.String("data") ?? FindDataDir();
        ulong seed = (ulong)args.Int("seed", 1, 0);
        bool quiet = args.Flag("quiet");
        TextWriter? progress = quiet ? null : stderr;

        ExperimentResult result;
        switch (what)
        {
            case "powerdemand":
            {
                var defaults = new PowerDemandOptions();
                var o = defaults with
                {
                    Hidden = args.Int("hidden", defaults.Hidden, 1, 4096),
                    Epochs = args.Int("epochs", defaults.Epochs, 1, 100_000),
                    Patience = args.Int("patience", defaults.Patience, 1, 100_000),
                    LearningRate = (float)args.Double("lr", defaults.LearningRate, 1e-7, 10),
                    Seed = seed,
                    Decode = ParseDecode(args.String("decode", "teacher")),
                    PerWindowScaling = args.String("scaling", "init") switch
                    {
                        "init" => false,
                        "window" => true,
                        string s => throw new UsageException($"--scaling expects init or window, got '{s}'"),
                    },
                    Online = args.Flag("online") ? ParseOnline(args, seed) : null,
                };
                args.EnsureAllUsed();
                using var backend = Devices.Create(device, threads);
                result = PowerDemandExperiment.Run(backend, dataDir, o, progress);
                break;
            }
            case "sine":
            {
                var defaults = new SineOptions();
                string? models = args.String("models");
                var o = defaults with
                {
                    RecurrentHidden = args.Int("hidden", defaults.RecurrentHidden, 1, 4096),
                    FcEpochs = args.Int("fc-epochs", defaults.FcEpochs, 1, 100_000),
                    RecurrentEpochs = args.Int("epochs", defaults.RecurrentEpochs, 1, 100_000),
                    Seed = seed,
                    Models = models is null ? defaults.Models : models.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                };
                foreach (string m in o.Models)
                    if (m is not ("fc-next" or "fc-ae" or "lstm-ae" or "gru-ae"))
                        throw new UsageException($"--models: unknown model '{m}'; expected fc-next, fc-ae, lstm-ae, gru-ae");
                args.EnsureAllUsed();
                using var backend = Devices.Create(device, threads);
                result = SineExperiment.Run(backend, dataDir, o, progress);
                break;
            }
            case "swat-synthetic":
            {
                var defaults = new SwatOptions();
                var o = defaults with
                {
                    Hidden = args.Int("hidden", defaults.Hidden, 1, 4096),
                    Embedding = args.Int("embedding", defaults.Embedding, 1, 4096),
                    Window = args.Int("window", defaults.Window, 2, 10_000),
                    Epochs = args.Int("epochs", defaults.Epochs, 1, 100_000),
                    Patience = args.Int("patience", defaults.Patience, 1, 100_000),
                    LearningRate = (float)args.Double("lr", defaults.LearningRate, 1e-7, 10),
                    TrainWindows = args.Int("train-windows", defaults.TrainWindows, 1, 10_000_000),
                    ThresholdK = args.Double("threshold-k", defaults.ThresholdK, 0, 1000),
                    Seed = seed,
                    Score = args.String("score", "channel") switch
                    {
                        "channel" => SwatScore.Channel,
                        "mse" => SwatScore.WindowMse,
                        string s => throw new UsageException($"--score expects channel or mse, got '{s}'"),
                    },
                    LinearHead = args.String("output", "linear") switch
                    {
                        "linear" => true,
                        "hidden" => false,
                        string s => throw new UsageException($"--output expects linear or hidden, got '{s}'"),
                    },
                    Loss = args.String("loss", "l2") switch
                    {
                        "l2" => ReconstructionLoss.L2,
                        "l1" => ReconstructionLoss.L1,
                        string s => throw new UsageException($"--loss expects l2 or l1, got '{s}'"),
                    },
                };
                args.EnsureAllUsed();
                using var backend = Devices.Create(device, threads);
                result = SwatExperiment.Run(backend, o, progress);
                break;
            }
            case "kernel-events-synthetic":
            {
                var defaults = new KernelEventOptions();
                var o = defaults with
                {
                    Hidden = args.Int("hidden", defaults.Hidden, 1, 4096),
                    Embedding = args.Int("embedding", defaults.Embedding, 1, 4096),
                    Epochs = args.Int("epochs", defaults.Epochs, 1, 100_000),
                    WindowsPerEpoch = args.Int("windows-per-epoch", defaults.WindowsPerEpoch, 1, 100_000_000),
                    Batch = args.Int("batch", defaults.Batch, 1, 65_536),
                    LearningRate = (float)args.Double("lr", defaults.LearningRate, 1e-7, 10),
                    LearningRateDecay = (float)args.Double("lr-decay", defaults.LearningRateDecay, 0, 100),
                    Seed = seed,
                    State = args.String("decoder-state", "carry") switch
                    {
                        "carry" => DecoderState.Carry,
                        "reset" => DecoderState.Reset,
                        string s => throw new UsageException($"--decoder-state expects carry or reset, got '{s}'"),
                    },
                };
                args.EnsureAllUsed();
                using var backend = Devices.Create(device, threads);
                var kernel = KernelEventExperiment.Run(backend, o, progress);
                KernelEventResultsWriter.Write(kernel, outDir);
                stdout.Write(KernelEventResultsWriter.Table(kernel));
                stdout.WriteLine($"wrote {Path.Combine(outDir, "results.json")} and {kernel.Traces.Count} plots");
                return 0;
            }
            case "traces-synthetic":
                result = TracesRun.Run(args, device, threads, seed, progress);
                break;
            default:
                throw new UsageException($"unknown experiment '{what}'; expected powerdemand or sine");
        }
        ResultsWriter.Write(result, outDir);
        stdout.Write(ResultsWriter.Table(result));
        stdout.WriteLine($"wrote {Path.Combine(outDir, "results.json")} and {string.Join(", ", result.Plots.Keys.Select(k => k + ".png"))}");
        return 0;
    }

    /// <summary>The --online-* flags of `run powerdemand --online`: seed 001's updating settings (see OnlineOptions).</summary>
    private static OnlineOptions ParseOnline(CommandArgs args, ulong seed)
    {
        var d = new OnlineOptions();
        return d with
        {
            BatchWindows = args.Int("online-batch", d.BatchWindows, 1, 1000),
            BufferWindows = args.Int("online-buffer", d.BufferWindows, 1, 100_000),
            RequireAnomaly = args.String("online-require-anomaly", "yes") switch
            {
                "yes" => true, "no" => false,
                string s => throw new UsageException($"--online-require-anomaly expects yes or no, got '{s}'"),
            },
            TrainOn = args.String("online-train", "all") switch
            {
                "all" => RetrainSet.AllNormals, "hard" => RetrainSet.HardNormals,
                string s => throw new UsageException($"--online-train expects all or hard, got '{s}'"),
            },
            Rehearse = args.String("online-rehearse", "yes") switch
            {
                "yes" => true, "no" => false,
                string s => throw new UsageException($"--online-rehearse expects yes or no, got '{s}'"),
            },
            MaxEpochs = args.Int("online-epochs", d.MaxEpochs, 1, 100_000),
            Patience = args.Int("online-patience", d.Patience, 1, 100_000),
            LearningRate = (float)args.Double("online-lr", d.LearningRate, 1e-7, 10),
            RelearnThreshold = args.String("online-threshold", "relearn") switch
            {
                "keep" => false, "relearn" => true,
                string s => throw new UsageException($"--online-threshold expects keep or relearn, got '{s}'"),
            },
            Mode = args.String("online-mode", "sync") switch
            {
                "sync" => UpdateMode.Synchronous, "background" => UpdateMode.Background,
                string s => throw new UsageException($"--online-mode expects sync or background, got '{s}'"),
            },
            Seed = seed,
        };
    }

    internal static DecodeMode ParseDecode(string s) => s switch
    {
        "teacher" => DecodeMode.Teacher,
        "free" => DecodeMode.Free,
        _ => throw new UsageException($"--decode expects teacher or free, got '{s}'"),
    };

    /// <summary>The bundled data/ folder: from the working directory or the executable's directory, walking up.</summary>
    internal static string FindDataDir()
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
            {
                string candidate = Path.Combine(d.FullName, "data");
                if (Directory.Exists(Path.Combine(candidate, "powerdemand"))) return candidate;
            }
        }
        throw new UsageException("bundled data/ not found (looked upwards from the working and program directories); pass --data DIR");
    }
}
