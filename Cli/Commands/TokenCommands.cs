using System.CommandLine;
using RnnEngine.Engine;
using RnnEngine.Models.Architectures;
using RnnEngine.Models.Data.Seeds;
using RnnEngine.Models.Detection;
using RnnEngine.Models.Training;
using RnnEngine.Cli.Output;

namespace RnnEngine.Cli.Commands;

/// <summary>
/// `train`/`score` for the token model (`--model gru-attention-seq2seq`, input format `kev`): a QNX kernel-event trace
/// read by <see cref="KernelEventReader"/> with the bundled seed 004 vocabulary or `--vocabulary FILE.json`; tokens
/// outside it map to its out-of-vocabulary id and are counted on stderr. Scores are per event (its segment's
/// misclassification rate, see <see cref="TokenDetector"/>) in the `index,score,is_anomaly` format `eval` reads.
/// </summary>
public static class TokenCommands
{
    internal static int Train(ParseResult p, TrainCli o, string data, string outPath, TextWriter stdout, TextWriter stderr)
    {
        o.RefuseNumericOptions(p);
        TrainOptions defaults = TokenDetectorConfig.DefaultTraining;
        string? labelColumn = p.GetValue(o.LabelColumn);
        string device = p.GetValue(o.Device)!;
        int threads = p.GetValue(o.Threads);
        bool quiet = p.GetValue(o.Quiet);
        var training = defaults with
        {
            Epochs = p.GetValue(o.Epochs) ?? defaults.Epochs,
            ExamplesPerEpoch = p.GetValue(o.WindowsPerEpoch),
            BatchSize = p.GetValue(o.Batch) ?? defaults.BatchSize,
            LearningRate = (float)(p.GetValue(o.Lr) ?? defaults.LearningRate),
            LearningRateDecay = (float)p.GetValue(o.LrDecay),
            Seed = (ulong)p.GetValue(o.Seed),
            ProgressSeconds = LiveProgress.SecondsFor(stderr, defaults.ProgressSeconds),
        };
        int window = o.WindowRows(p, 1, 10_000, allowAuto: false) ?? TokenDetectorConfig.DefaultWindow;
        KernelEventVocabulary vocabulary = LoadVocabulary(p.GetValue(o.Vocabulary));
        var config = new TokenDetectorConfig
        {
            Window = window,
            SegmentWindows = p.GetValue(o.Segment),
            Embedding = p.GetValue(o.Embedding),
            Hidden = p.GetValue(o.Hidden) ?? TokenDetectorConfig.DefaultHidden,
            State = p.GetValue(o.DecoderState) == "reset" ? DecoderState.Reset : DecoderState.Carry,
            Seed = (ulong)p.GetValue(o.Seed),
            Vocabulary = vocabulary,
        };
        using var outLock = OutputPath.Lock("--out", outPath);

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

    public static int Score(string modelPath, string data, string outPath, string device, int threads, TextWriter stdout, TextWriter stderr)
    {
        using var outLock = OutputPath.Lock("--out", outPath);

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
