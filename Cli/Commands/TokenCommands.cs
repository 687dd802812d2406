using RnnEngine.Engine;
using RnnEngine.Models.Architectures;
using RnnEngine.Models.Data.Seeds;
using RnnEngine.Models.Detection;
using RnnEngine.Models.Experiments;

namespace RnnEngine.Cli.Commands;

/// <summary>
/// `train`/`score` for the token model (`--model gru-attention-seq2seq`, input format `kev`): a QNX kernel-event trace
/// read by <see cref="KernelEventReader"/> with the bundled seed 004 vocabulary or `--vocabulary FILE.json`; tokens
/// outside it map to its out-of-vocabulary id and are counted on stderr. Scores are per event (its segment's
/// misclassification rate, see <see cref="TokenDetector"/>) in the `index,score,is_anomaly` format `eval` reads.
/// </summary>
public static class TokenCommands
{
    public static int Train(CommandArgs args, string data, string outPath, TextWriter stdout, TextWriter stderr)
    {
        var defaults = new KernelEventOptions();
        string? vocabularyPath = args.String("vocabulary");
        string? labelColumn = args.String("label-column");
        string state = args.String("decoder-state", "carry");
        if (state is not ("carry" or "reset")) throw new UsageException($"--decoder-state expects carry or reset, got '{state}'");
        string device = args.String("device", "auto");
        int threads = args.Int("threads", 0, 0, 256);
        bool quiet = args.Flag("quiet");
        var training = defaults with
        {
            Epochs = args.Int("epochs", defaults.Epochs, 1, 100_000),
            WindowsPerEpoch = args.Int("windows-per-epoch", defaults.WindowsPerEpoch, 1, 100_000_000),
            Batch = args.Int("batch", defaults.Batch, 1, 65_536),
            LearningRate = (float)args.Double("lr", defaults.LearningRate, 1e-7, 10),
            LearningRateDecay = (float)args.Double("lr-decay", defaults.LearningRateDecay, 0, 10),
        };
        KernelEventVocabulary vocabulary = LoadVocabulary(vocabularyPath);
        var config = new TokenDetectorConfig
        {
            Window = args.Int("window", defaults.Window, 1, 10_000),
            SegmentWindows = args.Int("segment", defaults.SegmentWindows, 1, 1_000_000),
            Embedding = args.Int("embedding", defaults.Embedding, 1, 4096),
            Hidden = args.Int("hidden", defaults.Hidden, 1, 4096),
            State = state == "reset" ? DecoderState.Reset : DecoderState.Carry,
            Seed = (ulong)args.Int("seed", 1, 0),
            Vocabulary = vocabulary,
        };
        args.EnsureAllUsed();

        KernelEventTrace trace = KernelEventReader.Read(data, vocabulary, labelColumn);
        ReportUnknown(trace, stderr);
        using var backend = Devices.Create(device, threads);
        using var detector = TokenDetector.Train(backend, trace, config, training, quiet ? null : stderr);
        TokenDetectorFile.Save(detector, outPath);
        var (loss, accuracy) = detector.Epochs[^1];
        stdout.WriteLine($"trained {TokenDetectorConfig.ModelName} on {trace.Length} events: {detector.Epochs.Count} epochs, last loss {loss:G4}, token accuracy {accuracy:F3}, threshold {detector.Threshold:G4} ({detector.ThresholdRule.Method})");
        stdout.WriteLine($"wrote {outPath}");
        return 0;
    }

    public static int Score(CommandArgs args, string modelPath, string data, string outPath, TextWriter stdout, TextWriter stderr)
    {
        string device = args.String("device", "auto");
        int threads = args.Int("threads", 0, 0, 256);
        args.EnsureAllUsed();

        using var backend = Devices.Create(device, threads);
        using var detector = TokenDetectorFile.Load(backend, modelPath);
        KernelEventTrace trace = KernelEventReader.Read(data, detector.Config.Vocabulary);
        ReportUnknown(trace, stderr);
        double[] scores = detector.ScoreEvents(trace);
        int flagged = ScoreCommand.Write(outPath, scores, RnnEngine.Models.Thresholds.AlarmHold.Apply(scores, detector.Threshold, 0));
        int scored = scores.Count(double.IsFinite);
        stdout.WriteLine($"scored {scored} of {trace.Length} events ({scored / Math.Max(1, detector.Config.SegmentWindows * detector.Config.Window)} segments) with {TokenDetectorConfig.ModelName}: {flagged} above threshold {detector.Threshold:G4}; wrote {outPath}");
        return 0;
    }

    private static KernelEventVocabulary LoadVocabulary(string? path)
    {
        var v = path is null ? KernelEventVocabulary.LoadBundled() : KernelEventVocabulary.Load(path);
        if (v.StartId < 0)
            throw new RnnEngine.Models.Data.DataFormatException(path ?? "bundled vocabulary", null, "'tokens'", $"no '{KernelEventVocabulary.StartToken}' token: the decoder starts from it");
        return v;
    }

    private static void ReportUnknown(KernelEventTrace trace, TextWriter stderr)
    {
        if (trace.OovCount == 0) return;
        var top = trace.UnknownTokens.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(5);
        stderr.WriteLine($"{trace.Source}: {trace.OovCount} events with {trace.UnknownTokens.Count} token(s) outside the vocabulary mapped to the unknown id: " +
            string.Join(", ", top.Select(p => $"{p.Key} x{p.Value}")) + (trace.UnknownTokens.Count > 5 ? ", ..." : ""));
    }
}
