using System.Diagnostics;
using RnnEngine.Engine;
using RnnEngine.Models.Architectures;
using RnnEngine.Models.Data;
using RnnEngine.Models.Data.Scaling;
using RnnEngine.Models.Metrics;
using RnnEngine.Models.Training;

namespace RnnEngine.Models.Experiments;

public sealed record SineOptions
{
    /// <summary>Hidden units of the LSTM/GRU autoencoders (the seed's 400 costs ~40x more on cpu for the same AUC).</summary>
    public int RecurrentHidden { get; init; } = 32;
    public int FcEpochs { get; init; } = 30;
    public int RecurrentEpochs { get; init; } = 10;
    public int BatchSize { get; init; } = 32;
    public float LearningRate { get; init; } = 1e-3f;
    public int Patience { get; init; } = 5;
    public ulong Seed { get; init; } = 1;
    /// <summary>Subset of "fc-next", "fc-ae", "lstm-ae", "gru-ae"; all by default.</summary>
    public IReadOnlyList<string> Models { get; init; } = ["fc-next", "fc-ae", "lstm-ae", "gru-ae"];
}

/// <summary>
/// Seed 003 on its noisy sine: non-overlapping windows of 400 samples. abn.csv equals normal.csv for its first 400
/// windows, so training uses only normal.csv's windows 400-799 (the first 90 % to fit, the last 10 % for early
/// stopping) and the test set is all 800 windows of abn.csv (labels: window >= 400). Values are divided by the std of
/// the training part (the seed divided each file by its own std). Models: the pytorch FC next-window predictor
/// (400-200-100-50-100-200-300-400, leaky ReLU) and the Keras same-window autoencoders (FC, LSTM, GRU with a linear
/// head). Window score = mean squared error of the window's reconstruction / prediction; metric = window ROC AUC.
/// </summary>
public static class SineExperiment
{
    public const int Window = 400;
    public static readonly int[] FcSizes = [200, 100, 50, 100, 200, 300];

    public static ExperimentResult Run(Backend device, string dataDir, SineOptions o, TextWriter? progress)
    {
        var clock = Stopwatch.StartNew();
        string dir = Path.Combine(dataDir, "sine_seed003");
        Series normal = SingleLineSeries.Read(Path.Combine(dir, "normal.csv"));
        Series abn = SingleLineSeries.Read(Path.Combine(dir, "abn.csv"));
        int half = abn.Length / 2;
        Series trainPart = normal.Slice(half, normal.Length - half);
        var scaler = new StdDivScaler();
        scaler.Fit(trainPart.Values, 1);

        WindowSet trainWindows = WindowSet.Cut(trainPart, Window, Window);
        scaler.Transform(trainWindows.Data);
        var labels = new bool[abn.Length];
        for (int i = half; i < labels.Length; i++) labels[i] = true;
        WindowSet test = WindowSet.Cut(abn.WithLabels(labels), Window, Window);
        scaler.Transform(test.Data);

        int nFit = trainWindows.Count * 9 / 10;
        var models = new List<ModelResult>();
        var plots = new Dictionary<string, PlotData>();
        foreach (string name in o.Models)
        {
            bool next = name == "fc-next";
            using IWindowModel model = name switch
            {
                "fc-next" or "fc-ae" => new FcAutoencoder(device, Window, 1, FcSizes, o.Seed),
                "lstm-ae" => new RecurrentAutoencoder(device, RecurrentCell.Lstm, Window, 1, o.RecurrentHidden, o.Seed),
                "gru-ae" => new RecurrentAutoencoder(device, RecurrentCell.Gru, Window, 1, o.RecurrentHidden, o.Seed),
                _ => throw new ArgumentException($"unknown sine model '{name}'; expected fc-next, fc-ae, lstm-ae or gru-ae"),
            };
            progress?.WriteLine($"[sine] {name}");
            TrainingSet all = next ? NextWindowPairs(trainWindows.Data, trainWindows.Count) : Same(trainWindows.Data, trainWindows.Count);
            int fit = next ? nFit - 1 : nFit;
            var report = Trainer.Fit(model, all.Range(0, fit), all.Range(fit, all.Count - fit), new TrainOptions
            {
                Epochs = model is FcAutoencoder ? o.FcEpochs : o.RecurrentEpochs, BatchSize = o.BatchSize,
                LearningRate = o.LearningRate, Patience = o.Patience, Seed = o.Seed,
            }, progress);

            // window score: MSE of the prediction of window k (from k-1 when predicting) against the real window k
            TrainingSet eval = next ? NextWindowPairs(test.Data, test.Count) : Same(test.Data, test.Count);
            float[] output = Inference.PredictAll(model, eval.Inputs, eval.Count);
            int first = next ? 1 : 0;
            var scores = new double[eval.Count];
            var windowLabels = new bool[eval.Count];
            var pointScore = new double[abn.Length];
            Array.Fill(pointScore, double.NaN);
            for (int w = 0; w < eval.Count; w++)
            {
                double sum = 0;
                for (int i = 0; i < Window; i++)
                {
                    double d = output[w * Window + i] - eval.Targets[w * Window + i];
                    sum += d * d;
                    pointScore[(w + first) * Window + i] = d * d;
                }
                scores[w] = sum / Window;
                windowLabels[w] = test.IsAnomalous![w + first];
            }
            models.Add(new ModelResult(name, model.Kind, next ? "predict next window" : "reconstruct window",
                RankingMetrics.RocAuc(scores, windowLabels), RankingMetrics.AveragePrecision(scores, windowLabels),
                eval.Count, windowLabels.Count(l => l), null, null, report.EpochsRun, report.BestEpoch, report.BestLoss,
                report.Seconds, model.Parameters.Sum(p => p.Length))
            {
                // no threshold in seed 003: ranking, the oracle bounds and the random baseline
                Evaluation = EvaluationSuite.Compute(null, scores, windowLabels, null, null, null),
                EvaluationLevel = "test windows (no threshold)",
            });
            plots[name] = new PlotData(test.Data.Select(v => (double)v).ToArray(), MovingMean(pointScore, 1000), null, labels)
            {
                SeriesName = "abn.csv", ValueLabel = "value (scaled by the training std)",
                ScoreName = "squared error, moving mean of 1,000 samples", Data = "data/sine_seed003/abn.csv (test: 800 windows of 400)",
            };
        }
        var settings = new Dictionary<string, string>
        {
            ["window"] = Window.ToString(), ["fc_sizes"] = string.Join("-", [Window, .. FcSizes, Window]),
            ["recurrent_hidden"] = o.RecurrentHidden.ToString(), ["batch"] = o.BatchSize.ToString(),
            ["lr"] = o.LearningRate.ToString("G"), ["seed"] = o.Seed.ToString(),
            ["train"] = $"normal.csv windows 400-799: {nFit} fit, {trainWindows.Count - nFit} early-stopping",
            ["test"] = "abn.csv windows 0-799, anomalous from 400",
        };
        return new ExperimentResult("sine", "003", device.Name, models, plots, settings, clock.Elapsed.TotalSeconds)
        {
            Baselines = Baselines.OnWindows(trainWindows.Data, test.Data, Window, 1, test.IsAnomalous!),
        };
    }

    private static TrainingSet Same(float[] data, int count) => new(data, data, count, Window, 1);

    /// <summary>Inputs windows 0..N-2, targets windows 1..N-1.</summary>
    private static TrainingSet NextWindowPairs(float[] data, int count) =>
        new(data.AsSpan(0, (count - 1) * Window).ToArray(), data.AsSpan(Window, (count - 1) * Window).ToArray(), count - 1, Window, 1);

    /// <summary>The seed's display score: a trailing moving mean of the squared error (NaN stays NaN).</summary>
    private static double[] MovingMean(double[] x, int width)
    {
        var y = new double[x.Length];
        double sum = 0;
        int n = 0;
        for (int i = 0; i < x.Length; i++)
        {
            if (double.IsFinite(x[i])) { sum += x[i]; n++; }
            if (i >= width && double.IsFinite(x[i - width])) { sum -= x[i - width]; n--; }
            y[i] = n > 0 && double.IsFinite(x[i]) ? sum / n : double.NaN;
        }
        return y;
    }
}
