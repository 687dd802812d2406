using System.Diagnostics;
using RnnEngine.Engine;
using RnnEngine.Models.Architectures;
using RnnEngine.Models.Data;
using RnnEngine.Models.Data.Scaling;
using RnnEngine.Models.Metrics;
using RnnEngine.Models.Detection;
using RnnEngine.Models.Online;
using RnnEngine.Models.Scoring;
using RnnEngine.Models.Thresholds;
using RnnEngine.Models.Training;

namespace RnnEngine.Models.Experiments;

public sealed record PowerDemandOptions
{
    public int Hidden { get; init; } = 15;
    // The seed: up to 300 epochs, patience 20, lr 1e-3, but a leftover stop after 6 epochs. With 5 training weeks an
    // epoch is one Adam step, and the normal validation loss still falls steadily after 300 such steps at 1e-3, so
    // the defaults let it converge: lr 3e-3, up to 2,000 epochs, patience 100 (chosen on the validation loss curve).
    public int Epochs { get; init; } = 2000;
    public int Patience { get; init; } = 100;
    public int BatchSize { get; init; } = 8;
    public float LearningRate { get; init; } = 3e-3f;
    public ulong Seed { get; init; } = 1;
    public DecodeMode Decode { get; init; } = DecodeMode.Teacher;
    /// <summary>Stream windows scaled by the initialisation set's MinMax (false) or each by its own min/max (true, seed 001 online).</summary>
    public bool PerWindowScaling { get; init; }
    /// <summary>With online updating (seed 001's streaming mode): the stream is scored both without and with updates.</summary>
    public OnlineOptions? Online { get; init; }
    /// <summary>When set (and the stream is scaled by the initialisation set), the trained detector, the stream rows and
    /// their labels are written there, so `stream --feedback --windows` can replay the stream: encdec-ad.model,
    /// stream.csv, stream-labels.csv.</summary>
    public string? ExportDir { get; init; }
}

/// <summary>
/// Seed 001 on PowerDemand without online updating: the first 12 weeks (1,008 two-hour rows) initialise. Their
/// weekly windows are split (<see cref="Seed001Split"/>): EncDec-AD trains on sN with early stopping on tN, the
/// Gaussian model of the absolute error vectors is fitted on vN1, the threshold on vN2 (and vA when there is one).
/// The remaining 39 weeks are the test stream; a week's score is its largest point score (squared Mahalanobis
/// distance of |x - x^|), its label is anomalous when any row is, and the metric is the window-level ROC AUC. A week
/// is flagged when at least <see cref="HardCriterion"/> of its points exceed the threshold.
/// </summary>
public static class PowerDemandExperiment
{
    public const int InitRows = PowerDemand.WeekLength * 12;

    /// <summary>Seed 001's window decision for power: anomalous when at least 5 of its 84 point scores exceed the threshold.</summary>
    public const int HardCriterion = 5;

    public static ExperimentResult Run(Backend device, string dataDir, PowerDemandOptions o, TextWriter? progress)
    {
        var clock = Stopwatch.StartNew();
        string dir = Path.Combine(dataDir, "powerdemand");
        Series series = PowerDemand.Prepare(Path.Combine(dir, "power_data.txt"), Path.Combine(dir, "PowerDemandLabel.csv"));
        int T = PowerDemand.WeekLength;
        Series init = series.Slice(0, InitRows);
        Series stream = series.Slice(InitRows, series.Length - InitRows);

        var scaler = new MinMaxScaler();
        scaler.Fit(init.Values, 1);
        WindowSet initWindows = WindowSet.Cut(init, T, T);
        scaler.Transform(initWindows.Data);
        WindowSet testWindows = WindowSet.Cut(stream, T, T);
        if (o.PerWindowScaling) WindowMinMax.Apply(testWindows);
        else scaler.Transform(testWindows.Data);

        Seed001Split split = Seed001Split.Make(initWindows.IsAnomalous!);
        using var model = new EncDecAd(device, T, 1, o.Hidden, o.Seed, DecodeMode.Teacher);
        var train = Pairs(initWindows.Select(split.SN));
        var valid = Pairs(initWindows.Select(split.TN));
        var report = Trainer.Fit(model, train, valid, new TrainOptions
        {
            Epochs = o.Epochs, BatchSize = o.BatchSize, LearningRate = o.LearningRate, Patience = o.Patience, Seed = o.Seed,
        }, progress);
        model.Decode = o.Decode;

        var errorModel = GaussianErrorModel.Fit(AbsErrors(model, initWindows.Select(split.VN1)), 1);
        double[] normalScores = PointScores(model, errorModel, initWindows.Select(split.VN2));
        double[] anomalousScores = split.VA.Length > 0 ? PointScores(model, errorModel, initWindows.Select(split.VA)) : [];
        Threshold rule = ThresholdRules.FBetaSearch(normalScores, anomalousScores);
        double threshold = rule.Value;
        if (o.ExportDir is not null && !o.PerWindowScaling)
            Export(o.ExportDir, model, scaler, errorModel, rule, o, train.Inputs, initWindows.Select([.. split.VN1, .. split.VN2]).Data, stream);

        double[] points = PointScores(model, errorModel, testWindows);
        double[] windowScores = PointErrors.WindowMax(points, T);
        bool[] labels = testWindows.IsAnomalous!;
        int flagged = PointErrors.WindowVotes(points, T, threshold, HardCriterion).Count(v => v);
        bool[] votes = PointErrors.WindowVotes(points, T, threshold, HardCriterion);
        var result = new ModelResult("encdec-ad", model.Kind, "reconstruct week (reversed)",
            RankingMetrics.RocAuc(windowScores, labels), RankingMetrics.AveragePrecision(windowScores, labels),
            testWindows.Count, labels.Count(l => l), threshold, flagged, report.EpochsRun, report.BestEpoch, report.BestLoss,
            report.Seconds, model.Parameters.Sum(p => p.Length))
        {
            Evaluation = EvaluateRows(testWindows, windowScores, votes, threshold), EvaluationLevel = RowLevel,
        };

        var plotSeries = stream.Values.Select(v => (double)v).ToArray();
        var plotScore = new double[stream.Length];
        Array.Fill(plotScore, double.NaN);
        for (int w = 0; w < testWindows.Count; w++)
            for (int t = 0; t < T; t++) plotScore[testWindows.Starts[w] + t] = points[w * T + t];
        var settings = new Dictionary<string, string>
        {
            ["window"] = T.ToString(), ["hidden"] = o.Hidden.ToString(), ["epochs"] = o.Epochs.ToString(),
            ["patience"] = o.Patience.ToString(), ["batch"] = o.BatchSize.ToString(), ["lr"] = o.LearningRate.ToString("G"),
            ["seed"] = o.Seed.ToString(), ["threshold_rule"] = rule.Method, ["decode"] = o.Decode.ToString().ToLowerInvariant(),
            ["stream_scaling"] = o.PerWindowScaling ? "per-window minmax" : "init minmax",
            ["online"] = o.Online is null ? "off" : OnlineDescription.Describe(o.Online, "weeks"),
            ["split"] = $"sN {split.SN.Length}, vN1 {split.VN1.Length}, vN2 {split.VN2.Length}, tN {split.TN.Length}, vA {split.VA.Length}, tA {split.TA.Length}",
        };
        var models = new List<ModelResult> { result };
        var plots = new Dictionary<string, PlotData> { ["encdec-ad"] = new(plotSeries, plotScore, threshold, stream.Labels!)
        {
            SeriesName = "power demand", ValueLabel = "power demand (raw)", ScoreName = "point score (error likelihood)", Data = PlotSource,
        } };
        IReadOnlyDictionary<string, double>? metrics = null;
        IReadOnlyList<UpdateRecord> updates = [];
        if (o.Online is OnlineOptions online)
        {
            // the stream again, now with updates: the model, error model and threshold change as it goes
            double[] onlineScores;
            bool[] onlineFlagged;
            Backend? twinDevice = null;   // a background update trains a twin on a backend of its own
            try
            {
                (onlineScores, onlineFlagged, updates) = RunOnline(model, errorModel, threshold,
                    initWindows.Select([.. split.VN1, .. split.VN2]).Data, train.Inputs, testWindows, online,
                    () => new EncDecAd(twinDevice = Devices.Create(device.Name, 1), T, 1, o.Hidden, o.Seed, o.Decode));
            }
            finally { twinDevice?.Dispose(); }
            foreach (var u in updates)
                progress?.WriteLine($"update after stream week {u.BeforeWindow}: {u.HardNormals} hard normal, {u.Normals} normal, " +
                    $"{u.Anomalies} anomalous weeks; retrained on {u.TrainWindows} for {u.Epochs} epochs (loss {u.LossBefore:G3} -> " +
                    $"{u.LossAfter:G3}), error model on {u.HeldOutWindows} held-out normal weeks, threshold {u.Threshold:G4}");
            var withUpdates = result with
            {
                Name = "encdec-ad-online", Task = $"same, updated online ({updates.Count}x)",
                RocAuc = RankingMetrics.RocAuc(onlineScores, labels), PrAuc = RankingMetrics.AveragePrecision(onlineScores, labels),
                Threshold = updates.Count > 0 ? updates[^1].Threshold : threshold, FlaggedWindows = onlineFlagged.Count(f => f),
                Evaluation = EvaluateRows(testWindows, onlineScores, onlineFlagged, null),
            };
            models.Add(withUpdates);
            var onlinePlot = new double[stream.Length];
            Array.Fill(onlinePlot, double.NaN);
            for (int w = 0; w < testWindows.Count; w++) onlinePlot.AsSpan(testWindows.Starts[w], T).Fill(onlineScores[w]);
            plots["encdec-ad-online"] = new(plotSeries, onlinePlot, null, stream.Labels!)
            {
                SeriesName = "power demand", ValueLabel = "power demand (raw)", ScoreName = "window score, updated online", Data = PlotSource,
            };
            metrics = new Dictionary<string, double>
            {
                ["online_roc_auc"] = withUpdates.RocAuc, ["static_roc_auc"] = result.RocAuc,
                ["online_pr_auc"] = withUpdates.PrAuc, ["static_pr_auc"] = result.PrAuc,
                ["online_flagged_windows"] = withUpdates.FlaggedWindows ?? 0, ["static_flagged_windows"] = flagged,
                ["updates"] = updates.Count,
            };
        }
        return new ExperimentResult("powerdemand", "001", device.Name, models, plots, settings, clock.Elapsed.TotalSeconds)
        {
            Metrics = metrics, Updates = updates,
            Baselines = Baselines.OnWindows(train.Inputs, testWindows.Data, T, 1, labels),
        };
    }

    /// <summary>The detector as trained here (before any online update) and the stream it is tested on.</summary>
    private static void Export(string dir, EncDecAd model, MinMaxScaler scaler, GaussianErrorModel errorModel, Threshold rule, PowerDemandOptions o,
        float[] trainWindows, float[] referenceWindows, Series stream)
    {
        Directory.CreateDirectory(dir);
        var config = new DetectorConfig
        {
            Model = "encdec-ad", Window = PowerDemand.WeekLength, Features = 1, Hidden = o.Hidden, Decode = o.Decode, Seed = o.Seed,
            Columns = [StreamColumn], Score = "gaussian", ThresholdRule = "gaussian", Smoothing = 1, EventGap = 0,
        };
        // the detector does not own the model here: the experiment goes on with it
        var detector = new AnomalyDetector(config, model, scaler, errorModel, rule)
        {
            Rehearsal = trainWindows, Reference = (referenceWindows, [.. Enumerable.Repeat(true, referenceWindows.Length)]),
        };
        DetectorFile.Save(detector, Path.Combine(dir, "encdec-ad.model"));
        var ic = System.Globalization.CultureInfo.InvariantCulture;
        File.WriteAllLines(Path.Combine(dir, "stream.csv"), [StreamColumn, .. stream.Values.Select(v => v.ToString("R", ic))]);
        File.WriteAllLines(Path.Combine(dir, "stream-labels.csv"), ["index,label", .. stream.Labels!.Select((l, i) => $"{i},{(l ? 1 : 0)}")]);
    }

    private const string StreamColumn = "demand";

    private const string RowLevel = "test rows; each row takes its week's score and decision";
    private const string PlotSource = "data/powerdemand/power_data.txt, stream after the 12 initialisation weeks";

    /// <summary>The evaluation suite over the stream's rows, each row carrying its week's score and flag (so point-wise figures count rows).</summary>
    private static EvaluationSuite EvaluateRows(WindowSet windows, double[] windowScores, bool[] flagged, double? threshold)
    {
        int t = windows.Length, n = windows.Count * t;
        var scores = new double[n];
        var predicted = new bool[n];
        var index = new long[n];
        for (int w = 0; w < windows.Count; w++)
            for (int i = 0; i < t; i++)
            {
                scores[w * t + i] = windowScores[w];
                predicted[w * t + i] = flagged[w];
                index[w * t + i] = windows.Starts[w] + i;
            }
        return EvaluationSuite.Compute(index, scores, windows.PointLabels!, predicted,
            threshold is null ? "online (relearned at each update)" : "init", threshold);
    }

    /// <summary>The test stream in arrival order through <see cref="OnlineDetector"/>, batch by batch, with the weeks' expert labels.</summary>
    private static (double[] Scores, bool[] Flagged, IReadOnlyList<UpdateRecord> Updates) RunOnline(IWindowModel model,
        GaussianErrorModel errorModel, double threshold, float[] referenceNormals, float[] initialTraining, WindowSet stream, OnlineOptions online, Func<IWindowModel> makeTwin)
    {
        var scores = new double[stream.Count];
        var flagged = new bool[stream.Count];
        using var detector = new OnlineDetector(model, errorModel, threshold, referenceNormals, initialTraining, online with { HardCriterion = HardCriterion }, makeTwin);
        int size = stream.WindowSize;
        for (int first = 0; first < stream.Count; first += online.BatchWindows)
        {
            int n = Math.Min(online.BatchWindows, stream.Count - first);
            detector.ProcessBatch(stream.Data.AsSpan(first * size, n * size), n, stream.IsAnomalous.AsSpan(first, n),
                scores.AsSpan(first, n), flagged.AsSpan(first, n));
        }
        detector.Drain();
        return (scores, flagged, detector.Updates);
    }

    private static TrainingSet Pairs(WindowSet w) => new(w.Data, w.Data, w.Count, w.Length, w.Features);

    /// <summary>|x - x^| per point, [N*T, F].</summary>
    internal static float[] AbsErrors(IWindowModel model, WindowSet windows)
    {
        float[] output = Inference.PredictAll(model, windows.Data, windows.Count);
        var e = new float[output.Length];
        for (int i = 0; i < e.Length; i++) e[i] = MathF.Abs(windows.Data[i] - output[i]);
        return e;
    }

    internal static double[] PointScores(IWindowModel model, GaussianErrorModel errorModel, WindowSet windows)
    {
        float[] e = AbsErrors(model, windows);
        int f = windows.Features;
        var scores = new double[e.Length / f];
        for (int i = 0; i < scores.Length; i++) scores[i] = errorModel.SquaredDistance(e.AsSpan(i * f, f));
        return scores;
    }
}
