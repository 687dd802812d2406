using System.Diagnostics;
using System.Globalization;
using RnnEngine.Engine;
using RnnEngine.Models.Architectures;
using RnnEngine.Models.Data;
using RnnEngine.Models.Data.Scaling;
using RnnEngine.Models.Data.Seeds;
using RnnEngine.Models.Metrics;
using RnnEngine.Models.Online;
using RnnEngine.Models.Scoring;
using RnnEngine.Models.Thresholds;
using RnnEngine.Models.Training;

namespace RnnEngine.Models.Experiments;

public sealed record SeedStreamOptions
{
    public required Seed001StreamSpec Spec { get; init; }
    public int? Hidden { get; init; }
    public int? Window { get; init; }
    // The seed's master stops after 6 epochs (a leftover); a few more let the larger streams' training loss settle.
    public int Epochs { get; init; } = 10;
    public int Patience { get; init; } = 3;
    public int BatchSize { get; init; } = 8;
    public float LearningRate { get; init; } = 1e-3f;
    /// <summary>
    /// The thesis initialises on about 20 % of each stream; the seed's code on training_set_size rows, which is more than
    /// 20 % for SMTP, HTTP and Forest but only the first 25,000 SMTP rows for SMTP+HTTP (the concept-drift stream: the
    /// model starts knowing SMTP only). The initialisation is the seed's rows, at most this fraction of the windows.
    /// </summary>
    public double InitFraction { get; init; } = 0.2;
    /// <summary>Initialisation rows instead of the seed's (still at most <see cref="InitFraction"/>).</summary>
    public int? InitRows { get; init; }
    /// <summary>Each seed trains its own model; the headline figures are their mean.</summary>
    public IReadOnlyList<ulong> Seeds { get; init; } = [1, 2, 3];
    public required OnlineOptions Online { get; init; }
}

/// <summary>
/// Seed 001 on its KDD Cup 99 and Forest Cover streams (the ODDS files), static and with online updating. The stream is
/// cut into non-overlapping windows of T; a window is anomalous when any of its rows is, and its score is its largest
/// point score. The first windows initialise (the seed's training_set_size rows, at most
/// <see cref="SeedStreamOptions.InitFraction"/> of the windows; MinMax fit on their rows, <see cref="Seed001Split"/> of their windows: EncDec-AD trains on sN, stops early on tN, the error model comes
/// from vN1, the threshold from vN2 and vA); the rest is scored twice from the same trained model: unchanged (static)
/// and through <see cref="OnlineDetector"/>, whose updates use each batch's labels only after the batch is scored.
/// Baselines without a network are fitted on the initialisation's normal windows and scored on the same windows.
/// </summary>
public static class SeedStreamExperiment
{
    /// <summary>The seed's settings for <paramref name="spec"/>'s stream: its window, hidden size, batch of 8 windows, HardCriterion and buffer.</summary>
    public static SeedStreamOptions Defaults(Seed001StreamSpec spec) => new()
    {
        Spec = spec,
        Online = new OnlineOptions
        {
            BatchWindows = 8, BufferWindows = spec.BufferWindows, HardCriterion = spec.HardCriterion, RequireAnomaly = true,
            TrainOn = RetrainSet.HardNormals, Rehearse = true, MaxEpochs = 20, Patience = 3, ReferenceWindows = 1000,
        },
    };

    public static ExperimentResult Run(Backend device, string dataDir, SeedStreamOptions o, TextWriter? progress)
    {
        var clock = Stopwatch.StartNew();
        Seed001StreamSpec spec = o.Spec;
        int T = o.Window ?? spec.Window, hidden = o.Hidden ?? spec.Hidden;
        Series series = spec.Load(dataDir);
        int f = series.Features;
        WindowSet all = WindowSet.Cut(series, T, T);
        int initCount = Math.Min((o.InitRows ?? spec.InitRows) / T, (int)(all.Count * o.InitFraction));
        if (initCount < 10 || initCount >= all.Count)
            throw new ArgumentException($"{spec.Name}: {all.Count} windows of {T} rows leave {initCount} to initialise and {all.Count - initCount} to score");
        var scaler = new MinMaxScaler();
        scaler.Fit(all.Data.AsSpan(0, initCount * all.WindowSize), f);
        scaler.Transform(all.Data);
        WindowSet init = all.Select([.. Enumerable.Range(0, initCount)]);
        WindowSet test = all.Select([.. Enumerable.Range(initCount, all.Count - initCount)]);
        bool[] labels = test.IsAnomalous!;
        Seed001Split split = Seed001Split.Make(init.IsAnomalous!);
        OnlineOptions online = o.Online;
        progress?.WriteLine($"{spec.Name}: {series.Length} rows x {f}, {all.Count} windows of {T}: {initCount} initialise " +
            $"(sN {split.SN.Length}, vN1 {split.VN1.Length}, vN2 {split.VN2.Length}, tN {split.TN.Length}, vA {split.VA.Length}), " +
            $"{test.Count} scored ({labels.Count(l => l)} anomalous)");

        var runs = new List<SeedRun>();
        foreach (ulong seed in o.Seeds)
        {
            runs.Add(RunSeed(device, init, test, split, T, hidden, seed, o, online with { Seed = seed }, progress));
            var r = runs[^1];
            progress?.WriteLine($"{spec.Name} seed {seed}: window ROC AUC static {r.Static.RocAuc:F3}, online {r.Online.RocAuc:F3} " +
                $"({r.Updates.Count} updates), {r.Seconds:F0} s");
        }

        int[] normalInit = [.. split.SN, .. split.VN1, .. split.VN2, .. split.TN];
        var baselines = Baselines.OnWindows(init.Select(normalInit).Data, test.Data, T, f, labels);
        SeedRun first = runs[0];
        double Mean(Func<SeedRun, double> pick) => runs.Average(pick);
        var metrics = new Dictionary<string, double>
        {
            ["window_roc_auc_online"] = Mean(r => r.Online.RocAuc), ["window_roc_auc_static"] = Mean(r => r.Static.RocAuc),
            ["window_pr_auc_online"] = Mean(r => r.Online.PrAuc), ["window_pr_auc_static"] = Mean(r => r.Static.PrAuc),
            ["updates_online"] = Mean(r => r.Updates.Count), ["seeds"] = runs.Count,
            ["published_window_roc_auc_static"] = spec.PublishedStatic, ["published_window_roc_auc_online"] = spec.PublishedOnline,
            ["published_updates"] = spec.PublishedUpdates,
        };
        foreach (var b in baselines)
        {
            metrics[$"baseline_{b.Name}_window_roc_auc"] = b.RocAuc;
            metrics[$"baseline_{b.Name}_window_pr_auc"] = b.PrAuc;
        }

        var settings = new Dictionary<string, string>
        {
            ["stream"] = spec.Name, ["files"] = string.Join(" + ", spec.Files), ["rows"] = series.Length.ToString(CultureInfo.InvariantCulture),
            ["window"] = T.ToString(CultureInfo.InvariantCulture), ["hidden"] = hidden.ToString(CultureInfo.InvariantCulture),
            ["epochs"] = o.Epochs.ToString(CultureInfo.InvariantCulture), ["patience"] = o.Patience.ToString(CultureInfo.InvariantCulture),
            ["batch"] = o.BatchSize.ToString(CultureInfo.InvariantCulture), ["lr"] = o.LearningRate.ToString("G", CultureInfo.InvariantCulture),
            ["init"] = $"first {initCount} of {all.Count} windows (the seed's {o.InitRows ?? spec.InitRows} rows, at most {o.InitFraction:P0}); MinMax fitted on their rows",
            ["split"] = $"sN {split.SN.Length}, vN1 {split.VN1.Length}, vN2 {split.VN2.Length}, tN {split.TN.Length}, vA {split.VA.Length}, tA {split.TA.Length}",
            ["hard_criterion"] = online.HardCriterion.ToString(CultureInfo.InvariantCulture),
            ["online"] = OnlineDescription.Describe(online, "windows"),
            ["seeds"] = string.Join(", ", runs.Select(r => string.Create(CultureInfo.InvariantCulture,
                $"{r.Seed}: static {r.Static.RocAuc:F4}, online {r.Online.RocAuc:F4} ({r.Updates.Count} updates)"))),
            ["ranking_seed_" + first.Seed.ToString(CultureInfo.InvariantCulture)] = Ranking(first, labels),
            ["metric"] = "window ROC AUC: window score = largest point score, window anomalous when any row is; mean over the seeds",
        };

        string source = $"data/seed001_streams/{string.Join(" + ", spec.Files)}, stream after the {initCount} initialisation windows";
        var rows = new double[test.Count * T];
        for (int i = 0; i < rows.Length; i++) rows[i] = series.Values[(initCount * T + i) * f];
        bool[] rowLabels = test.PointLabels!;
        var plots = new Dictionary<string, PlotData>
        {
            ["encdec-ad"] = new(rows, first.StaticPoints, first.Static.Threshold, rowLabels)
            {
                SeriesName = series.ColumnNames[0], ValueLabel = "first feature (raw)", ScoreName = "point score, static", Data = source,
            },
            ["encdec-ad-online"] = new(rows, PerRow(first.OnlineScores, T), null, rowLabels)
            {
                SeriesName = series.ColumnNames[0], ValueLabel = "first feature (raw)", ScoreName = "window score, updated online", Data = source,
            },
        };
        return new ExperimentResult(spec.Name, "001", device.Name, [first.Static, first.Online], plots, settings, clock.Elapsed.TotalSeconds)
        {
            Metrics = metrics, Updates = first.Updates, Baselines = baselines,
        };
    }

    private sealed record SeedRun(ulong Seed, ModelResult Static, ModelResult Online, double[] StaticPoints, double[] StaticScores, double[] OnlineScores,
        IReadOnlyList<UpdateRecord> Updates, double Seconds);

    private static SeedRun RunSeed(Backend device, WindowSet init, WindowSet test, Seed001Split split, int T, int hidden, ulong seed,
        SeedStreamOptions o, OnlineOptions online, TextWriter? progress)
    {
        var clock = Stopwatch.StartNew();
        int f = init.Features;
        using var model = new EncDecAd(device, T, f, hidden, seed, DecodeMode.Teacher);
        var train = Pairs(init.Select(split.SN));
        var report = Trainer.Fit(model, train, Pairs(init.Select(split.TN)), new TrainOptions
        {
            Epochs = o.Epochs, BatchSize = o.BatchSize, LearningRate = o.LearningRate, Patience = o.Patience, Seed = seed,
        }, progress);
        var errorModel = GaussianErrorModel.Fit(PowerDemandExperiment.AbsErrors(model, init.Select(split.VN1)), f);
        double[] normalScores = PowerDemandExperiment.PointScores(model, errorModel, init.Select(split.VN2));
        double[] anomalousScores = split.VA.Length > 0 ? PowerDemandExperiment.PointScores(model, errorModel, init.Select(split.VA)) : [];
        double threshold = ThresholdRules.FBetaSearch(normalScores, anomalousScores).Value;

        bool[] labels = test.IsAnomalous!;
        double[] points = PowerDemandExperiment.PointScores(model, errorModel, test);
        double[] staticScores = PointErrors.WindowMax(points, T);
        int flagged = PointErrors.WindowVotes(points, T, threshold, online.HardCriterion).Count(v => v);
        var staticResult = new ModelResult("encdec-ad", model.Kind, "reconstruct window (reversed), static",
            RankingMetrics.RocAuc(staticScores, labels), RankingMetrics.AveragePrecision(staticScores, labels),
            test.Count, labels.Count(l => l), threshold, flagged, report.EpochsRun, report.BestEpoch, report.BestLoss,
            report.Seconds, model.Parameters.Sum(p => p.Length));

        var onlineScores = new double[test.Count];
        var onlineFlagged = new bool[test.Count];
        int[] reference = [.. split.VN1, .. split.VN2];
        Backend? twinDevice = null;   // a background update trains a twin on a backend of its own
        try
        {
            using var detector = new OnlineDetector(model, errorModel, threshold, init.Select(reference).Data, train.Inputs, online,
                () => new EncDecAd(twinDevice = Devices.Create(device.Name, 1), T, f, hidden, seed, DecodeMode.Teacher));
            int size = test.WindowSize;
            for (int start = 0; start < test.Count; start += online.BatchWindows)
            {
                int n = Math.Min(online.BatchWindows, test.Count - start);
                detector.ProcessBatch(test.Data.AsSpan(start * size, n * size), n, labels.AsSpan(start, n),
                    onlineScores.AsSpan(start, n), onlineFlagged.AsSpan(start, n));
            }
            detector.Drain();
            foreach (var u in detector.Updates)
                progress?.WriteLine($"seed {seed}: update after stream window {u.BeforeWindow}: {u.HardNormals} hard normal, {u.Normals} normal, " +
                    $"{u.Anomalies} anomalous windows; retrained on {u.TrainWindows} for {u.Epochs} epochs (loss {u.LossBefore:G3} -> " +
                    $"{u.LossAfter:G3}), error model on {u.HeldOutWindows} normal windows, threshold {u.Threshold:G4}");
            var onlineResult = staticResult with
            {
                Name = "encdec-ad-online", Task = $"same, updated online ({detector.Updates.Count}x)",
                RocAuc = RankingMetrics.RocAuc(onlineScores, labels), PrAuc = RankingMetrics.AveragePrecision(onlineScores, labels),
                Threshold = detector.Threshold, FlaggedWindows = onlineFlagged.Count(x => x),
            };
            return new SeedRun(seed, staticResult, onlineResult, points, staticScores, onlineScores, [.. detector.Updates], clock.Elapsed.TotalSeconds);
        }
        finally { twinDevice?.Dispose(); }
    }

    /// <summary>
    /// Why the figures differ, for a reader: the share of normal windows that outscore the median anomalous window,
    /// static and online, and both AUCs on the windows scored after the first update (where updating can matter).
    /// </summary>
    private static string Ranking(SeedRun r, bool[] labels)
    {
        static double Above(double[] scores, bool[] labels)
        {
            double[] anomalous = [.. scores.Where((_, i) => labels[i]).Order()];
            if (anomalous.Length == 0) return double.NaN;
            double median = anomalous[anomalous.Length / 2];
            return scores.Where((v, i) => !labels[i] && v > median).Count() / (double)labels.Count(l => !l);
        }
        string text = string.Create(CultureInfo.InvariantCulture,
            $"normal windows above the median anomalous window: static {Above(r.StaticScores, labels):P1}, online {Above(r.OnlineScores, labels):P1}");
        if (r.Updates.Count == 0) return text;
        int from = r.Updates[0].BeforeWindow;
        bool[] after = labels[from..];
        if (!after.Contains(true) || !after.Contains(false)) return text;
        return text + string.Create(CultureInfo.InvariantCulture,
            $"; windows {from}.. (after the first update): ROC AUC static {RankingMetrics.RocAuc(r.StaticScores[from..], after):F3}, online {RankingMetrics.RocAuc(r.OnlineScores[from..], after):F3}");
    }

    /// <summary>Each row carries its window's score, so the plot lines up with the rows and their labels.</summary>
    private static double[] PerRow(double[] windowScores, int T)
    {
        var rows = new double[windowScores.Length * T];
        for (int w = 0; w < windowScores.Length; w++) rows.AsSpan(w * T, T).Fill(windowScores[w]);
        return rows;
    }

    private static TrainingSet Pairs(WindowSet w) => new(w.Data, w.Data, w.Count, w.Length, w.Features);
}
