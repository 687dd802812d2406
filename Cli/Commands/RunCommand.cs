using System.CommandLine;
using RnnEngine.Cli.Output;
using RnnEngine.Engine;
using RnnEngine.Models.Architectures;
using RnnEngine.Models.Data.Seeds;
using RnnEngine.Models.Experiments;
using RnnEngine.Models.Online;

namespace RnnEngine.Cli.Commands;

/// <summary>
/// `rnnengine run EXPERIMENT`: a seed system's experiment end to end on bundled or generated data: summary table on
/// stdout, training progress on stderr, results.json and PNG plots in --out. One subcommand per experiment, each with
/// the options of its model; every experiment also takes --config FILE.json.
/// </summary>
public static class RunCommand
{
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var run = new Command("run", "a seed system's experiment end to end: table on stdout, results.json and plots in --out")
        {
            PowerDemand(stdout, stderr), Sine(stdout, stderr), Swat(stdout, stderr), TracesRun.Build(stdout, stderr), KernelEvents(stdout, stderr),
            SeedStreamsRun.Build(Seed001Stream.Smtp, stdout, stderr),
            SeedStreamsRun.Build(Seed001Stream.Http, stdout, stderr),
            SeedStreamsRun.Build(Seed001Stream.SmtpHttp, stdout, stderr),
            SeedStreamsRun.Build(Seed001Stream.Forest, stdout, stderr),
        };
        return run;
    }

    /// <summary>The options every experiment has: where it runs, where it writes, its seed, its progress.</summary>
    internal sealed class Common
    {
        public readonly Option<string> Device = Opt.Device();
        public readonly Option<int> Threads = Opt.Threads();
        public readonly Option<string?> Out;
        public readonly Option<int> Seed = Opt.Seed();
        public readonly Option<bool> Quiet = Opt.Quiet();
        public readonly Option<string?> Config = Opt.Config();
        private readonly string name;

        public Common(string name)
        {
            this.name = name;
            Out = Opt.Text("--out", "DIR", $"folder for results.json and the plots (default out/{name}; created)");
        }

        public Command Command(string description, params Option[] options)
        {
            var c = new Command(name, description);
            foreach (Option o in (Option[])[Device, Threads, Out, Seed, Quiet, Config, .. options]) c.Options.Add(o);
            return c;
        }

        /// <summary>The output folder, refused before any work when it is a file.</summary>
        public string OutDir(ParseResult p)
        {
            string dir = p.GetValue(Out) ?? Path.Combine("out", name);
            if (File.Exists(dir)) throw new UsageException($"--out {dir} is a file: give a folder (it is created when missing)");
            return dir;
        }
        public TextWriter? Progress(ParseResult p, TextWriter stderr) => p.GetValue(Quiet) ? null : stderr;
        public Backend Backend(ParseResult p) => Devices.Create(p.GetValue(Device)!, p.GetValue(Threads));
    }

    internal static Option<int> Hidden(int fallback) => Opt.Int("--hidden", fallback, 1, 4096, "hidden units per recurrent layer");
    internal static Option<int> Epochs(int fallback) => Opt.Int("--epochs", fallback, 1, 100_000, "most training epochs (early stopping may end sooner)");
    internal static Option<int> Patience(int fallback) => Opt.Int("--patience", fallback, 1, 100_000, "stop after this many epochs without a better validation loss");
    internal static Option<double> Lr(double fallback) => Opt.Double("--lr", fallback, 1e-7, 10, "learning rate");
    internal static Option<string?> DataDir() => Opt.Text("--data", "DIR", "the bundled data folder (default: data/ found from the working or program folder)");

    private static Command PowerDemand(TextWriter stdout, TextWriter stderr)
    {
        var d = new PowerDemandOptions();
        var common = new Common("powerdemand");
        var data = DataDir();
        var hidden = Hidden(d.Hidden);
        var epochs = Epochs(d.Epochs);
        var patience = Patience(d.Patience);
        var lr = Lr(d.LearningRate);
        var decode = Opt.Choice("--decode", "teacher", "the decoder's input: the true previous row (teacher) or its own output (free)", "teacher", "free");
        var scaling = Opt.Choice("--scaling", "init", "z-scaling fitted on the training rows (init) or per window (window)", "init", "window");
        var online = Opt.Flag("--online", "seed 001's online updating: retrain on the stream's normal windows as it goes (the --online-* options)");
        var updating = new OnlineCli(stream: false);
        Command c = common.Command("seed 001: EncDec-AD (LSTM encoder-decoder) on the bundled PowerDemand data, optionally with online updating",
            [data, hidden, epochs, patience, lr, decode, scaling, online, .. updating.All]);
        c.SetAction(p =>
        {
            ulong seed = (ulong)p.GetValue(common.Seed);
            var o = d with
            {
                Hidden = p.GetValue(hidden), Epochs = p.GetValue(epochs), Patience = p.GetValue(patience), LearningRate = (float)p.GetValue(lr),
                Seed = seed, Decode = ParseDecode(p.GetValue(decode)!), PerWindowScaling = p.GetValue(scaling) == "window",
                Online = p.GetValue(online) ? updating.Build(p, seed) : null,
            };
            if (o.Online is null) updating.RefuseGiven(p, "without --online");
            string dataDir = p.GetValue(data) ?? FindDataDir();
            string outDir = common.OutDir(p);
            o = o with { ExportDir = outDir };
            using var backend = common.Backend(p);
            return Report(PowerDemandExperiment.Run(backend, dataDir, o, common.Progress(p, stderr)), outDir, stdout);
        });
        return c;
    }

    private static Command Sine(TextWriter stdout, TextWriter stderr)
    {
        var d = new SineOptions();
        string[] known = ["fc-next", "fc-ae", "lstm-ae", "gru-ae"];
        var common = new Common("sine");
        var data = DataDir();
        var models = Opt.Text("--models", "a,b", string.Join(",", d.Models), $"the models to train, some of {string.Join(", ", known)}");
        var hidden = Hidden(d.RecurrentHidden);
        var fcEpochs = Opt.Int("--fc-epochs", d.FcEpochs, 1, 100_000, "epochs of the fully connected models");
        var epochs = Opt.Int("--epochs", d.RecurrentEpochs, 1, 100_000, "epochs of the recurrent models");
        Command c = common.Command("seed 003: fully connected and LSTM/GRU autoencoders on the bundled sine wave with an amplitude anomaly",
            data, models, hidden, fcEpochs, epochs);
        c.SetAction(p =>
        {
            string[] chosen = p.GetValue(models)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            foreach (string m in chosen)
                if (!known.Contains(m)) throw new UsageException($"--models: unknown model '{m}'; expected {string.Join(", ", known)}");
            var o = d with
            {
                RecurrentHidden = p.GetValue(hidden), FcEpochs = p.GetValue(fcEpochs), RecurrentEpochs = p.GetValue(epochs),
                Seed = (ulong)p.GetValue(common.Seed), Models = chosen,
            };
            string dataDir = p.GetValue(data) ?? FindDataDir();
            string outDir = common.OutDir(p);
            using var backend = common.Backend(p);
            return Report(SineExperiment.Run(backend, dataDir, o, common.Progress(p, stderr)), outDir, stdout);
        });
        return c;
    }

    private static Command Swat(TextWriter stdout, TextWriter stderr)
    {
        var d = new SwatOptions();
        var common = new Common("swat-synthetic");
        var hidden = Hidden(d.Hidden);
        var embedding = Opt.Int("--embedding", d.Embedding, 1, 4096, "width of the repeated embedding");
        var window = Opt.Int("--window", d.Window, 2, 10_000, "time steps per window");
        var epochs = Epochs(d.Epochs);
        var patience = Patience(d.Patience);
        var lr = Lr(d.LearningRate);
        var trainWindows = Opt.Int("--train-windows", d.TrainWindows, 1, 10_000_000, "training windows drawn from the normal rows");
        var thresholdK = Opt.Double("--threshold-k", d.ThresholdK, 0, 1000, "threshold: mean + k sd of the validation scores", "K");
        var score = Opt.Choice("--score", "channel", "window score: largest per-channel error z (channel) or the window's mean squared error (mse)", "channel", "mse");
        var output = Opt.Choice("--output", "linear", "the decoder's output: a linear head (linear) or the LSTM's hidden state (hidden)", "linear", "hidden");
        var loss = Opt.Choice("--loss", "l2", "reconstruction loss", "l2", "l1");
        Command c = common.Command("seed 000: the repeat-vector LSTM autoencoder on a generated SWaT-like water-plant export with attacks, beside raw z, T^2 and PCA",
            hidden, embedding, window, epochs, patience, lr, trainWindows, thresholdK, score, output, loss);
        c.SetAction(p =>
        {
            var o = d with
            {
                Hidden = p.GetValue(hidden), Embedding = p.GetValue(embedding), Window = p.GetValue(window), Epochs = p.GetValue(epochs),
                Patience = p.GetValue(patience), LearningRate = (float)p.GetValue(lr), TrainWindows = p.GetValue(trainWindows),
                ThresholdK = p.GetValue(thresholdK), Seed = (ulong)p.GetValue(common.Seed),
                Score = p.GetValue(score) == "mse" ? SwatScore.WindowMse : SwatScore.Channel,
                LinearHead = p.GetValue(output) == "linear",
                Loss = p.GetValue(loss) == "l1" ? ReconstructionLoss.L1 : ReconstructionLoss.L2,
            };
            string outDir = common.OutDir(p);
            using var backend = common.Backend(p);
            return Report(SwatExperiment.Run(backend, o, common.Progress(p, stderr)), outDir, stdout);
        });
        return c;
    }

    private static Command KernelEvents(TextWriter stdout, TextWriter stderr)
    {
        var d = new KernelEventOptions();
        var common = new Common("kernel-events-synthetic");
        var hidden = Hidden(d.Hidden);
        var embedding = Opt.Int("--embedding", d.Embedding, 1, 4096, "token embedding width");
        var epochs = Epochs(d.Epochs);
        var windowsPerEpoch = Opt.Int("--windows-per-epoch", d.WindowsPerEpoch, 1, 100_000_000, "windows sampled per epoch");
        var batch = Opt.Int("--batch", d.Batch, 1, 65_536, "windows per step");
        var lr = Lr(d.LearningRate);
        var lrDecay = Opt.Double("--lr-decay", d.LearningRateDecay, 0, 100, "learning-rate decay per epoch");
        var state = Opt.Choice("--decoder-state", "carry", "the decoder's first state: the encoder's last (carry) or zeros (reset)", "carry", "reset");
        Command c = common.Command("seed 004: GRU encoder-decoder with additive attention on generated QNX-like kernel-event traces",
            hidden, embedding, epochs, windowsPerEpoch, batch, lr, lrDecay, state);
        c.SetAction(p =>
        {
            var o = d with
            {
                Hidden = p.GetValue(hidden), Embedding = p.GetValue(embedding), Epochs = p.GetValue(epochs), WindowsPerEpoch = p.GetValue(windowsPerEpoch),
                Batch = p.GetValue(batch), LearningRate = (float)p.GetValue(lr), LearningRateDecay = (float)p.GetValue(lrDecay),
                Seed = (ulong)p.GetValue(common.Seed), State = p.GetValue(state) == "reset" ? DecoderState.Reset : DecoderState.Carry,
            };
            string outDir = common.OutDir(p);
            using var backend = common.Backend(p);
            var kernel = KernelEventExperiment.Run(backend, o, common.Progress(p, stderr));
            KernelEventResultsWriter.Write(kernel, outDir);
            stdout.Write(KernelEventResultsWriter.Table(kernel));
            stdout.WriteLine($"wrote {Path.Combine(outDir, "results.json")} and {kernel.Traces.Count} plots");
            return 0;
        });
        return c;
    }

    /// <summary>The table on stdout, results.json and the plots in <paramref name="outDir"/>.</summary>
    internal static int Report(ExperimentResult result, string outDir, TextWriter stdout)
    {
        ResultsWriter.Write(result, outDir);
        stdout.Write(ResultsWriter.Table(result));
        stdout.WriteLine($"wrote {Path.Combine(outDir, "results.json")} and {string.Join(", ", result.Plots.Keys.Select(k => k + ".png"))}");
        return 0;
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
