using System.Diagnostics;
using System.Globalization;
using RnnEngine.Engine;
using RnnEngine.Engine.Rng;
using RnnEngine.Models.Architectures;
using RnnEngine.Models.Data;
using RnnEngine.Models.Data.Scaling;
using RnnEngine.Models.Data.Seeds;
using RnnEngine.Models.Metrics;
using RnnEngine.Models.Thresholds;
using RnnEngine.Models.Training;

namespace RnnEngine.Models.Experiments;

public sealed record SwatOptions
{
    /// <summary>1 Hz rows of each synthetic period (normal, then attack).</summary>
    public int Rows { get; init; } = 20_000;
    public int Attacks { get; init; } = 6;
    /// <summary>Rows averaged into one (the seed's pandas resample with mean; 10 = its CPU script's "10s").</summary>
    public int Resample { get; init; } = 10;
    public int Window { get; init; } = 30;
    /// <summary>Stride of the test and validation windows (the seed's test_set_step_size).</summary>
    public int TestStride { get; init; } = 5;
    /// <summary>Random-start training windows drawn from the fitting part of the normal period (the seed's sample_size).</summary>
    public int TrainWindows { get; init; } = 600;
    /// <summary>Tail of the normal period held out for early stopping and the threshold (the seed's inverted 5 % split fixed).</summary>
    public double ValidationFraction { get; init; } = 0.2;
    public int Hidden { get; init; } = 32;
    public int Embedding { get; init; } = 32;
    public bool LinearHead { get; init; } = true;
    public ReconstructionLoss Loss { get; init; } = ReconstructionLoss.L2;
    public int Epochs { get; init; } = 20;
    public int Patience { get; init; } = 5;
    public int BatchSize { get; init; } = 32;
    public float LearningRate { get; init; } = 1e-2f;
    /// <summary>Threshold = mean + K sd of the normal validation windows' scores.</summary>
    public double ThresholdK { get; init; } = 4;
    public ulong Seed { get; init; } = 1;
}

/// <summary>
/// Seed 000 (hsteude/Anomaly-Detection-LSTM-GRU) on the SYNTHETIC SWaT stand-in (<see cref="SwatSynthetic"/>): an
/// attack-free normal period trains <see cref="RepeatLstmAutoencoder"/>; a second period of the plant (another noise
/// seed) with injected attacks is the test. Both are mean-resampled, standard-scaled with statistics of the normal
/// fitting part only (the seed scaled the attack set by its own statistics). Training windows start at random rows of
/// the fitting part; validation (the normal tail) and test windows are strided. Window score = MSE of its
/// reconstruction; the threshold comes from the normal validation scores only. Event-wise: an attack is detected when
/// a flagged window overlaps it; a predicted event is a maximal run of consecutive flagged windows, correct when one
/// of its windows overlaps an attack.
/// </summary>
public static class SwatExperiment
{
    public static ExperimentResult Run(Backend device, SwatOptions o, TextWriter? progress)
    {
        var clock = Stopwatch.StartNew();
        int f = SwatColumns.Count;
        SwatSyntheticData normalRun = SwatSynthetic.Generate(new SwatSyntheticOptions { Rows = o.Rows, Attacks = 0, Seed = o.Seed });
        SwatSyntheticData attackRun = SwatSynthetic.Generate(new SwatSyntheticOptions { Rows = o.Rows, Attacks = o.Attacks, Seed = o.Seed + 1000 });
        Series normal = Downsample(normalRun.Data.Series, o.Resample);
        Series test = Downsample(attackRun.Data.Series, o.Resample);
        // attack intervals in resampled rows: a bucket is attacked when any of its rows is
        var attacks = attackRun.Attacks.Select(a => new AnomalyInterval(a.Interval.Start / o.Resample,
            (a.Interval.End + o.Resample - 1) / o.Resample, a.Kind + ":" + a.Column)).ToList();

        int validRows = (int)(normal.Length * o.ValidationFraction);
        Series fitPart = normal.Slice(0, normal.Length - validRows);
        Series validPart = normal.Slice(normal.Length - validRows, validRows);
        var scaler = new StandardScaler();
        scaler.Fit(fitPart.Values, f);

        float[] train = RandomWindows(fitPart, o.Window, o.TrainWindows, o.Seed);
        scaler.Transform(train);
        WindowSet valid = WindowSet.Cut(validPart, o.Window, o.TestStride);
        scaler.Transform(valid.Data);
        WindowSet testWindows = WindowSet.Cut(test, o.Window, o.TestStride);
        scaler.Transform(testWindows.Data);

        using var model = new RepeatLstmAutoencoder(device, o.Window, f, o.Hidden, o.Embedding, o.LinearHead, o.Loss, o.Seed);
        progress?.WriteLine($"[swat] {o.TrainWindows} training windows, {valid.Count} validation, {testWindows.Count} test (T={o.Window}, F={f})");
        var report = Trainer.Fit(model, TrainingSet.Reconstruction(train, o.Window, f),
            TrainingSet.Reconstruction(valid.Data, o.Window, f), new TrainOptions
            {
                Epochs = o.Epochs, BatchSize = o.BatchSize, LearningRate = o.LearningRate, Patience = o.Patience, Seed = o.Seed,
            }, progress);

        double[] validScores = Scores(model, valid);
        double[] testScores = Scores(model, testWindows);
        Threshold threshold = ThresholdRules.MeanPlusKStd(validScores, o.ThresholdK);
        var flagged = testScores.Select(s => s > threshold.Value).ToArray();
        // window labels: the window overlaps an attack (a window's label, not the label of its last row)
        var windowLabels = new bool[testWindows.Count];
        for (int w = 0; w < testWindows.Count; w++)
        {
            int s = testWindows.Starts[w], e = s + o.Window;
            windowLabels[w] = attacks.Any(a => a.Start < e && a.End > s);
        }
        EventMetrics events = EventMetrics.Compute(windowLabels, flagged);
        var detected = attacks.Select(a => Enumerable.Range(0, testWindows.Count)
            .Any(w => flagged[w] && a.Start < testWindows.Starts[w] + o.Window && a.End > testWindows.Starts[w])).ToArray();
        int validFlagged = validScores.Count(s => s > threshold.Value);

        var models = new List<ModelResult>
        {
            new("repeat-lstm-ae", model.Kind, "reconstruct window", RankingMetrics.RocAuc(testScores, windowLabels),
                RankingMetrics.AveragePrecision(testScores, windowLabels), testWindows.Count, windowLabels.Count(l => l),
                threshold.Value, flagged.Count(x => x), report.EpochsRun, report.BestEpoch, report.BestLoss, report.Seconds,
                model.Parameters.Sum(p => p.Length)),
        };
        var metrics = new Dictionary<string, double>
        {
            ["event_recall"] = detected.Count(d => d) / (double)Math.Max(attacks.Count, 1),
            ["event_precision"] = events.Precision,
            ["event_f1"] = events.F1,
            ["predicted_events"] = events.PredictedEvents,
            ["predicted_events_on_attack"] = events.EventsOnTarget,
            ["attacks"] = attacks.Count,
            ["attacks_detected"] = detected.Count(d => d),
            ["threshold"] = threshold.Value,
            ["validation_windows_flagged"] = validFlagged,
        };
        var settings = new Dictionary<string, string>
        {
            ["data"] = $"SYNTHETIC SWaT stand-in (SwatSynthetic): normal period seed {o.Seed}, attack period seed {o.Seed + 1000}, {o.Rows} rows at 1 Hz each, {o.Attacks} attacks",
            ["attacks"] = string.Join("; ", attacks.Select((a, i) => $"{a.Kind} rows [{a.Start}, {a.End}) {(detected[i] ? "detected" : "missed")}")),
            ["resample"] = $"mean of {o.Resample} rows", ["window"] = o.Window.ToString(CultureInfo.InvariantCulture),
            ["test_stride"] = o.TestStride.ToString(CultureInfo.InvariantCulture),
            ["train"] = $"{o.TrainWindows} random-start windows from the first {fitPart.Length} normal rows",
            ["validation"] = $"{valid.Count} strided windows of the last {validRows} normal rows (early stopping and threshold)",
            ["scaling"] = "StandardScaler fitted on the normal fitting rows only, applied to validation and test",
            ["model"] = $"LSTM {f}->{o.Hidden}, LSTM {o.Hidden}->{o.Embedding}, repeat x{o.Window}, LSTM {o.Embedding}->{o.Hidden}, " +
                (o.LinearHead ? $"LSTM {o.Hidden}->{o.Hidden}, linear {o.Hidden}->{f}" : $"LSTM {o.Hidden}->{f} (output = its hidden states, as the seed)"),
            ["loss"] = o.Loss == ReconstructionLoss.L2 ? "L2 (MSE)" : "L1 (MAE, the seed's)",
            ["score"] = "per-window MSE of the reconstruction over T x F",
            ["threshold"] = $"{threshold.Method} of the normal validation windows' scores (no test labels used) = {threshold.Value:G6}",
            ["event_protocol"] = "an attack is detected if any flagged test window overlaps it (recall = detected / attacks); " +
                "a predicted event is a maximal run of consecutive flagged windows, correct if any of its windows overlaps an attack (precision)",
            ["epochs"] = o.Epochs.ToString(CultureInfo.InvariantCulture), ["batch"] = o.BatchSize.ToString(CultureInfo.InvariantCulture),
            ["lr"] = o.LearningRate.ToString("G", CultureInfo.InvariantCulture), ["seed"] = o.Seed.ToString(CultureInfo.InvariantCulture),
        };
        var plots = new Dictionary<string, PlotData> { ["repeat-lstm-ae"] = Plot(test, testWindows, testScores, threshold.Value, o.Window) };
        return new ExperimentResult("swat-synthetic", "000", device.Name, models, plots, settings, clock.Elapsed.TotalSeconds) { Metrics = metrics };
    }

    /// <summary>Mean of every <paramref name="k"/> rows (the last partial bucket dropped); a bucket is labelled when any row is.</summary>
    public static Series Downsample(Series s, int k)
    {
        if (k <= 0) throw new ArgumentOutOfRangeException(nameof(k), "resample factor must be positive");
        int n = s.Length / k, f = s.Features;
        var values = new float[n * f];
        var labels = new bool[n];
        for (int i = 0; i < n; i++)
        {
            Span<float> dst = values.AsSpan(i * f, f);
            for (int r = i * k; r < (i + 1) * k; r++)
            {
                ReadOnlySpan<float> row = s.Row(r);
                for (int c = 0; c < f; c++) dst[c] += row[c];
                labels[i] |= s.Labels?[r] ?? false;
            }
            for (int c = 0; c < f; c++) dst[c] /= k;
        }
        return new Series(values, f, labels, s.Source, s.ColumnNames);
    }

    /// <summary>The seed's sampling: <paramref name="count"/> windows at uniformly random start rows (overlaps allowed), [N, T, F].</summary>
    private static float[] RandomWindows(Series s, int window, int count, ulong seed)
    {
        if (s.Length < window) throw new ArgumentException($"swat: {s.Length} normal rows are fewer than one window of {window}");
        int size = window * s.Features;
        var data = new float[count * size];
        ulong stream = CounterRng.Hash(seed, 0x5EED000);
        for (int w = 0; w < count; w++)
        {
            int start = Math.Min((int)(CounterRng.Uniform(stream, (ulong)w) * (s.Length - window + 1)), s.Length - window);
            s.Values.AsSpan(start * s.Features, size).CopyTo(data.AsSpan(w * size));
        }
        return data;
    }

    private static double[] Scores(IWindowModel model, WindowSet set)
    {
        float[] output = Inference.PredictAll(model, set.Data, set.Count);
        int size = set.WindowSize;
        var scores = new double[set.Count];
        for (int w = 0; w < set.Count; w++)
        {
            double sum = 0;
            for (int i = w * size; i < (w + 1) * size; i++)
            {
                double d = output[i] - set.Data[i];
                sum += d * d;
            }
            scores[w] = sum / size;
        }
        return scores;
    }

    /// <summary>LIT101 (scaled) over the test rows; each row carries the score of the last window ending at or before it.</summary>
    private static PlotData Plot(Series test, WindowSet windows, double[] scores, double threshold, int window)
    {
        int lit = SwatColumns.IndexOf("LIT101");
        var series = new double[test.Length];
        for (int t = 0; t < test.Length; t++) series[t] = test.Values[t * test.Features + lit];
        var score = new double[test.Length];
        Array.Fill(score, double.NaN);
        for (int w = 0; w < windows.Count; w++)
        {
            int end = windows.Starts[w] + window - 1;
            int next = w + 1 < windows.Count ? windows.Starts[w + 1] + window - 1 : test.Length;
            for (int t = end; t < next; t++) score[t] = scores[w];
        }
        return new PlotData(series, score, threshold, test.Labels ?? new bool[test.Length]);
    }
}
