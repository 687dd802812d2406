using RnnEngine.Engine;
using RnnEngine.Models.Architectures;
using RnnEngine.Models.Data;
using RnnEngine.Models.Data.Scaling;
using RnnEngine.Models.Scoring;
using RnnEngine.Models.Thresholds;
using RnnEngine.Models.Training;

namespace RnnEngine.Models.Detection;

/// <summary>
/// A trained detector for any numeric series: scaler, window model, Gaussian error model and threshold. A row's score
/// is the squared Mahalanobis distance of the absolute error of that row: for a reconstruction model its error as the
/// LAST row of a window (windows slide by one row), so the first T-1 rows have no score; for a next-row predictor
/// (<see cref="DetectorConfig.PredictsNextRow"/>) the error of its prediction from the T rows before it, so the first T
/// rows have none. Either way a row is scored from rows up to itself, so a stream can be scored as it arrives.
/// Training splits the rows in time order: 70 % fit the network, 15 % decide early stopping, the last 15 % (normal,
/// never trained on) fit the error model and the threshold. Rows labelled anomalous are kept out of all three.
/// </summary>
public sealed class AnomalyDetector : IDisposable
{
    public const double FitShare = 0.70, ValidationShare = 0.15;

    public DetectorConfig Config { get; }
    public IWindowModel Model { get; }
    public AffineScaler Scaler { get; }
    public GaussianErrorModel ErrorModel { get; }
    public Threshold ThresholdRule { get; }
    public double Threshold => ThresholdRule.Value;
    public TrainReport? Report { get; private init; }

    internal AnomalyDetector(DetectorConfig config, IWindowModel model, AffineScaler scaler, GaussianErrorModel errorModel, Threshold threshold)
    {
        Config = config;
        Model = model;
        Scaler = scaler;
        ErrorModel = errorModel;
        ThresholdRule = threshold;
    }

    public static AnomalyDetector Train(Backend device, Series series, DetectorConfig config, TrainOptions options, TextWriter? progress,
        TrainingState? resume = null, Action<TrainingState>? epochDone = null)
    {
        int T = config.Span;   // rows per window cut here: the model's window, plus the predicted row for a next-row model
        int n = series.Length;
        int fitEnd = (int)(n * FitShare), validEnd = (int)(n * (FitShare + ValidationShare));
        if (n - validEnd < T || fitEnd < T)
            throw new DataFormatException(series.Source, null, null,
                $"{n} rows are too few for window {T}: the last {100 * (1 - FitShare - ValidationShare):F0} % (error model and threshold) and the first {100 * FitShare:F0} % (training) each need at least {T} rows");
        var scaler = new StandardScaler();
        scaler.Fit(series.Values.AsSpan(0, fitEnd * series.Features), series.Features);
        Series scaled = Scaled(series, scaler);

        int stride = Math.Max(1, T / 4);
        Series fitRows = scaled.Slice(0, fitEnd), validRows = scaled.Slice(fitEnd, validEnd - fitEnd);
        WindowSet fit = NormalWindows(fitRows, T, stride);
        WindowSet valid = NormalWindows(validRows, T, stride, allowEmpty: true);
        if (fit.Count == 0) throw new DataFormatException(series.Source, null, null, "no training window free of labelled anomalies");

        IWindowModel model = config.Build(device);
        try
        {
            var report = Trainer.Fit(model, Pairs(config, fit, fitRows), valid.Count > 0 ? Pairs(config, valid, validRows) : null,
                options, progress, resume, epochDone);
            // error model and threshold on the held-out tail: the last row of each sliding window
            Series heldOut = scaled.Slice(validEnd, n - validEnd);
            float[] errors = LastRowErrors(model, heldOut, T, out bool[] usable);
            bool[] normal = usable.Select((u, t) => u && !(heldOut.Labels?[t] ?? false)).ToArray();
            bool[] anomalous = usable.Select((u, t) => u && (heldOut.Labels?[t] ?? false)).ToArray();
            if (normal.Count(x => x) < 2)
                throw new DataFormatException(series.Source, null, null, "the held-out last 15 % has fewer than 2 normal rows to fit the error model");
            var errorModel = GaussianErrorModel.Fit(Select(errors, normal, series.Features), series.Features);
            double[] scores = Scores(errorModel, errors, usable, series.Features);
            // seed 001's rule: F-beta search when labelled anomalies are at hand, else twice the largest normal score
            Threshold threshold = ThresholdRules.FBetaSearch(Pick(scores, normal), Pick(scores, anomalous));
            return new AnomalyDetector(config, model, scaler, errorModel, threshold) { Report = report };
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>One score per row of <paramref name="series"/> (raw units; NaN for the first Span-1 rows).</summary>
    public double[] ScoreRows(Series series)
    {
        if (series.Features != Config.Features)
            throw new DataFormatException(series.Source, null, null, $"expected {Config.Features} feature columns like the training data, got {series.Features}");
        float[] errors = LastRowErrors(Model, Scaled(series, Scaler), Config.Span, out bool[] usable);
        return Scores(ErrorModel, errors, usable, Config.Features);
    }

    /// <summary>
    /// |x_t - x^_t| of each row t, [N, F]: x^_t is the model's last output step for the T rows that start at
    /// t - span + 1 (span T: the window ending at t, whose last row is t; span T + 1: the window before t, whose last
    /// step predicts t). usable[t] = span rows end at t.
    /// </summary>
    private static float[] LastRowErrors(IWindowModel model, Series scaled, int span, out bool[] usable)
    {
        int T = model.Window, f = scaled.Features, n = scaled.Length;
        var errors = new float[n * f];
        usable = new bool[n];
        const int chunk = 256;
        var input = new float[chunk * T * f];
        for (int end0 = span - 1; end0 < n; end0 += chunk)
        {
            int count = Math.Min(chunk, n - end0);
            for (int w = 0; w < count; w++)
                scaled.Values.AsSpan((end0 + w - span + 1) * f, T * f).CopyTo(input.AsSpan(w * T * f));
            float[] output = Inference.PredictAll(model, input.AsSpan(0, count * T * f), count);
            for (int w = 0; w < count; w++)
            {
                int row = end0 + w, last = (w * T + T - 1) * f;
                for (int k = 0; k < f; k++) errors[row * f + k] = MathF.Abs(scaled.Values[row * f + k] - output[last + k]);
                usable[row] = true;
            }
        }
        return errors;
    }

    private static double[] Scores(GaussianErrorModel errorModel, float[] errors, bool[] usable, int f)
    {
        var scores = new double[usable.Length];
        for (int t = 0; t < usable.Length; t++)
            scores[t] = usable[t] ? errorModel.SquaredDistance(errors.AsSpan(t * f, f)) : double.NaN;
        return scores;
    }

    private static double[] Pick(double[] scores, bool[] mask) => [.. scores.Where((_, t) => mask[t])];

    private static float[] Select(float[] errors, bool[] usable, int f)
    {
        var list = new List<float>();
        for (int t = 0; t < usable.Length; t++)
            if (usable[t]) list.AddRange(errors.AsSpan(t * f, f).ToArray());
        return [.. list];
    }

    private static Series Scaled(Series s, AffineScaler scaler)
    {
        float[] v = (float[])s.Values.Clone();
        scaler.Transform(v);
        return new Series(v, s.Features, s.Labels, s.Source, s.ColumnNames);
    }

    /// <summary>Sliding windows that contain no labelled anomaly.</summary>
    private static WindowSet NormalWindows(Series s, int T, int stride, bool allowEmpty = false)
    {
        if (s.Length < T)
        {
            if (allowEmpty) return new WindowSet([], 0, T, s.Features, [], null, null);
            throw new DataFormatException(s.Source, null, null, $"expected at least {T} rows for one window, got {s.Length}");
        }
        WindowSet all = WindowSet.Cut(s, T, stride);
        if (all.IsAnomalous is null) return all;
        var keep = Enumerable.Range(0, all.Count).Where(w => !all.IsAnomalous[w]).ToList();
        return all.Select(keep);
    }

    /// <summary>Training pairs from windows of <see cref="DetectorConfig.Span"/> rows cut from <paramref name="rows"/>:
    /// each window as its own target, or (next row) its first T rows as input and its last T as target.</summary>
    private static TrainingSet Pairs(DetectorConfig config, WindowSet w, Series rows) => config.PredictsNextRow
        ? TrainingSet.NextRow(rows.Values, rows.Features, config.Window, w.Starts)
        : new(w.Data, w.Data, w.Count, w.Length, w.Features);

    public void Dispose() => Model.Dispose();
}
