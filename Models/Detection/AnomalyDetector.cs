using RnnEngine.Engine;
using RnnEngine.Models.Architectures;
using RnnEngine.Models.Data;
using RnnEngine.Models.Data.Scaling;
using RnnEngine.Models.Scoring;
using RnnEngine.Models.Thresholds;
using RnnEngine.Models.Training;

namespace RnnEngine.Models.Detection;

/// <summary>
/// A trained detector for any numeric series: scaler, window model, error model and threshold. A row's error is the
/// absolute error of that row: for a reconstruction model its error as the LAST row of a window (windows slide by one
/// row), so the first T-1 rows have no score; for a next-row predictor (<see cref="DetectorConfig.PredictsNextRow"/>)
/// the error of its prediction from the T rows before it, so the first T rows have none. Either way a row is scored
/// from rows up to itself, so a stream can be scored as it arrives. The score of the errors is
/// <see cref="Scoring.ChannelScore"/> (default) or seed 001's squared Mahalanobis distance, smoothed causally
/// (<see cref="ScoreSmoother"/>); a row is flagged when its score is above the threshold or was less than
/// <see cref="DetectorConfig.EventGap"/> rows ago (<see cref="AlarmHold"/>).
/// Training splits the rows in time order: the first 70 % fit the network, the next 15 % decide early stopping, and
/// the last 30 % (never trained on) fit the error model and the threshold. Rows labelled anomalous are kept out of all.
/// </summary>
public sealed class AnomalyDetector : IDisposable
{
    public const double FitShare = 0.70, ValidationShare = 0.15;
    /// <summary>Held-out rows below this: the error model and threshold come from cross-fitting. (A trigger at 500 rows,
    /// where peaks over threshold starts to lack peaks above its 98th percentile, lowered the SMAP/MSL event F1 of the
    /// development data from 0.756 to 0.700: errors of half-data networks overstate the deployed network's.)</summary>
    public const int MinReferenceRows = 100;
    /// <summary>Cross-fitting needs each half to hold this many spans.</summary>
    public const int MinFoldSpans = 3;

    public DetectorConfig Config { get; }
    public IWindowModel Model { get; }
    public AffineScaler Scaler { get; }
    public GaussianErrorModel ErrorModel { get; private set; }
    public ChannelScore? ChannelScore { get; private set; }
    public Threshold ThresholdRule { get; private set; }
    public double Threshold => ThresholdRule.Value;
    public TrainReport? Report { get; private init; }
    /// <summary>Column roles found on the training rows (training only; not stored).</summary>
    public ColumnRole[]? Roles { get; private init; }
    /// <summary>
    /// Up to <see cref="RehearsalWindows"/> spans of scaled training rows [count, Span, F] (and <see cref="MaxSampleValues"/> values), spread evenly over the
    /// rows the network was fitted on: online updating replays them so a few new windows do not make it forget the
    /// rest. Stored in the checkpoint; null for checkpoints written before it was.
    /// </summary>
    public float[]? Rehearsal { get; init; }
    /// <summary>
    /// The last held-out rows of training (scaled, [n, F], at most <see cref="ReferenceRowCount"/> and <see cref="MaxSampleValues"/> values) and which of them are
    /// normal: the rows online updating refits the calibration on until the stream has held out enough of its own.
    /// Stored in the checkpoint; null for checkpoints written before it was.
    /// </summary>
    public (float[] Rows, bool[] Normal)? Reference { get; init; }

    public const int ReferenceRowCount = 4096;

    /// <summary>Each sample the checkpoint keeps for online updating stays within this many values (1 MiB of floats).</summary>
    public const int MaxSampleValues = 1 << 18;

    public const int RehearsalWindows = 256;

    public AnomalyDetector(DetectorConfig config, IWindowModel model, AffineScaler scaler, GaussianErrorModel errorModel, Threshold threshold,
        ChannelScore? channelScore = null)
    {
        Config = config;
        Model = model;
        Scaler = scaler;
        ErrorModel = errorModel;
        ThresholdRule = threshold;
        ChannelScore = channelScore;
        if (config.Score == "channel" && channelScore is null) throw new ArgumentException("a channel-scored detector needs its channel score");
        if (channelScore is not null && channelScore.Channels.Any(c => c >= config.Features))
            throw new ArgumentException($"the channel score names a column beyond the model's {config.Features}");
    }

    /// <param name="resume">the saved state of member k to go on from (null: start it afresh)</param>
    /// <param name="epochDone">called after every epoch of member k with the state to resume it from</param>
    public static AnomalyDetector Train(Backend device, Series series, DetectorConfig config, TrainOptions options, TextWriter? progress,
        Func<int, TrainingState?>? resume = null, Action<int, TrainingState>? epochDone = null)
    {
        int T = config.Span;   // rows per window cut here: the model's window, plus the predicted row for a next-row model
        int n = series.Length;
        int fitEnd = (int)(n * FitShare), validEnd = (int)(n * (FitShare + ValidationShare));
        if (fitEnd < T || n - fitEnd < 2)
            throw new DataFormatException(series.Source, null, null,
                $"{n} rows are too few for window {config.Window}: the first {100 * FitShare:F0} % (training) need at least {T} rows" +
                (config.PredictsNextRow ? $" (the window and the row it predicts)" : "") + $", so at least {(int)Math.Ceiling(T / FitShare) + 1} rows; give a smaller --window");
        ColumnRole[] roles = ColumnRoles.Detect(series.Slice(0, fitEnd));
        int[] scored = ColumnRoles.Scored(roles, [.. config.ScoreColumns]);
        if (scored.Any(c => c < 0 || c >= series.Features))
            throw new DataFormatException(series.Source, null, null, $"--score-columns names a column beyond the {series.Features} read");
        var scaler = new StandardScaler();
        scaler.Fit(series.Values.AsSpan(0, fitEnd * series.Features), series.Features);
        if (config.Score == "channel")
        {
            // a column's weight in the training loss is the square of its scale: unscored columns stay inputs at a
            // smaller scale, so the network spends its capacity on the columns that are scored
            for (int c = 0; c < series.Features; c++)
                if (Array.IndexOf(scored, c) < 0) scaler.Multiplier[c] *= config.UnscoredScale;
        }
        Series scaled = Scaled(series, scaler);

        (IWindowModel model, TrainReport report) = DetectorTraining.TrainNetworks(device, config, scaled, 0, fitEnd, validEnd, options, progress, resume, epochDone);
        try
        {
            // error model and threshold on the rows never trained on (early stopping only looked at the first half)
            // too short a tail for the tail of the score distribution: out-of-fold errors of every row instead
            bool crossFit = n - fitEnd < MinReferenceRows && n / 2 >= MinFoldSpans * T;
            if (crossFit)
                progress?.WriteLine($"the held-out last {100 * (1 - FitShare):F0} % has {n - fitEnd} rows (< {MinReferenceRows}): error model and threshold from 2-fold cross-fitting over all {n} rows");
            bool[] usable;
            float[] errors = crossFit ? DetectorTraining.CrossFitErrors(device, config, scaled, options, out usable)
                : LastRowErrors(model, scaled, T, out usable);
            int referenceFrom = crossFit ? 0 : fitEnd;
            bool[] normal = new bool[n], anomalous = new bool[n];
            for (int t = referenceFrom; t < n; t++)
            {
                bool labelled = series.Labels?[t] ?? false;
                normal[t] = usable[t] && !labelled;
                anomalous[t] = usable[t] && labelled;
            }
            if (normal.Count(x => x) < 2)
                throw new DataFormatException(series.Source, null, null, $"the held-out last {100 * (1 - FitShare):F0} % has fewer than 2 normal rows to fit the error model");
            bool[]? departure = config.Score == "channel" ? [.. scored.Select(c => roles[c] == ColumnRole.Constant)] : null;
            var (errorModel, channel, threshold) = Calibrate(config, errors, scaled.Values, usable, normal, anomalous,
                departure is null ? null : scored, departure, config.TopChannels);
            return new AnomalyDetector(config, model, scaler, errorModel, threshold, channel)
            {
                Report = report, Roles = roles, Rehearsal = RehearsalSample(scaled, fitEnd, T),
                Reference = ReferenceSample(scaled, crossFit ? 0 : fitEnd, normal),
            };
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>One score per row of <paramref name="series"/> (raw units; NaN for the rows before the first full span).</summary>
    public double[] ScoreRows(Series series)
    {
        if (series.Features != Config.Features)
            throw new DataFormatException(series.Source, null, null, $"expected {Config.Features} feature columns like the training data, got {series.Features}");
        Series scaled = Scaled(series, Scaler);
        float[] errors = LastRowErrors(Model, scaled, Config.Span, out bool[] usable);
        return Scores(Config, ErrorModel, ChannelScore, errors, scaled.Values, usable, Config.Features);
    }

    /// <summary>The row decisions for scores from <see cref="ScoreRows"/> (threshold and event gap).</summary>
    public bool[] Flags(ReadOnlySpan<double> scores)
    {
        var decide = NewDecider();
        var flags = new bool[scores.Length];
        for (int i = 0; i < scores.Length; i++) flags[i] = decide.Next(scores[i]);
        return flags;
    }

    /// <summary>A fresh row-by-row decision (threshold or dynamic threshold, then the event gap) for a file or a stream.</summary>
    internal RowDecider NewDecider() => new(Threshold, Config.EventGap, Config.ThresholdRule == "dynamic");

    /// <summary>
    /// The unsmoothed score of a scaled row [F] from the model's output for its window ([T, F], one window): the
    /// absolute error of the last output step, scored. <paramref name="errors"/> [F] is scratch.
    /// </summary>
    internal double LastStepScore(ReadOnlySpan<float> windowOutput, ReadOnlySpan<float> scaledRow, Span<float> errors)
    {
        int last = windowOutput.Length - scaledRow.Length;
        for (int k = 0; k < scaledRow.Length; k++) errors[k] = MathF.Abs(scaledRow[k] - windowOutput[last + k]);
        return RowScore(errors, scaledRow);
    }

    /// <summary>The unsmoothed score of one row from its error vector and scaled values [F] (shared with the stream).</summary>
    internal double RowScore(ReadOnlySpan<float> errors, ReadOnlySpan<float> scaledRow) => RowScore(ChannelScore, ErrorModel, errors, scaledRow);

    private static double RowScore(ChannelScore? channel, GaussianErrorModel gaussian, ReadOnlySpan<float> errors, ReadOnlySpan<float> scaledRow) =>
        channel is not null ? channel.Row(errors, scaledRow) : gaussian.SquaredDistance(errors);

    /// <summary>
    /// |x_t - x^_t| of each row t, [N, F]: x^_t is the model's last output step for the T rows that start at
    /// t - span + 1 (span T: the window ending at t, whose last row is t; span T + 1: the window before t, whose last
    /// step predicts t). usable[t] = span rows end at t.
    /// </summary>
    internal static float[] LastRowErrors(IWindowModel model, Series scaled, int span, out bool[] usable)
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

    private static double[] Scores(DetectorConfig config, GaussianErrorModel gaussian, ChannelScore? channel, float[] errors, float[] scaled,
        bool[] usable, int f)
    {
        var scores = new double[usable.Length];
        for (int t = 0; t < usable.Length; t++)
            scores[t] = usable[t] ? RowScore(channel, gaussian, errors.AsSpan(t * f, f), scaled.AsSpan(t * f, f)) : double.NaN;
        ScoreSmoother.Apply(scores, config.Smoothing);
        return scores;
    }

    /// <summary>
    /// Online updating's recalibration: the error model, channel score and threshold fitted again, by the rules of
    /// training, on the rows of <paramref name="scaledRows"/> (contiguous, scaled) marked in <paramref name="reference"/>
    /// (held-out normal rows the network was not just trained on); the anomalous rows feed seed 001's F-beta rule.
    /// False, and nothing changed, when fewer than <see cref="MinReferenceRows"/> reference rows have a score.
    /// </summary>
    internal bool Recalibrate(Series scaledRows, bool[] reference, bool[] anomalous)
    {
        float[] errors = LastRowErrors(Model, scaledRows, Config.Span, out bool[] usable);
        bool[] normal = [.. usable.Select((u, t) => u && reference[t])];
        bool[] labelled = [.. usable.Select((u, t) => u && anomalous[t])];
        if (normal.Count(x => x) < MinReferenceRows) return false;
        (ErrorModel, ChannelScore, ThresholdRule) = Calibrate(Config, errors, scaledRows.Values, usable, normal, labelled,
            ChannelScore?.Channels, ChannelScore?.Departure, ChannelScore?.Top ?? 0);
        return true;
    }

    /// <summary>
    /// Training's calibration: the error model and (with <paramref name="channels"/>) the channel score fitted on the
    /// rows marked <paramref name="normal"/>, and the threshold by the config's rule on their smoothed scores.
    /// </summary>
    private static (GaussianErrorModel, ChannelScore?, Threshold) Calibrate(DetectorConfig config, float[] errors, float[] scaled, bool[] usable,
        bool[] normal, bool[] anomalous, int[]? channels, bool[]? departure, int top)
    {
        int f = config.Features;
        var errorModel = GaussianErrorModel.Fit(Select(errors, normal, f), f);
        ChannelScore? channel = channels is null ? null : Scoring.ChannelScore.Fit(errors, scaled, f, normal, channels, departure!, top);
        double[] scores = Scores(config, errorModel, channel, errors, scaled, usable, f);
        // "dynamic" decides from the scored stream itself; the peaks-over-threshold value is kept for reference
        Threshold threshold = config.ThresholdRule is "pot" or "dynamic"
            ? PeaksOverThreshold.Fit(Pick(scores, normal), config.Risk)
            // seed 001's rule: F-beta search when labelled anomalies are at hand, else twice the largest normal score
            : ThresholdRules.FBetaSearch(Pick(scores, normal), Pick(scores, anomalous));
        return (errorModel, channel, threshold);
    }

    private static double[] Pick(double[] scores, bool[] mask) => [.. scores.Where((_, t) => mask[t])];

    private static float[] Select(float[] errors, bool[] usable, int f)
    {
        var list = new List<float>();
        for (int t = 0; t < usable.Length; t++)
            if (usable[t]) list.AddRange(errors.AsSpan(t * f, f).ToArray());
        return [.. list];
    }

    /// <summary>Non-overlapping spans of the first <paramref name="rows"/> rows without a labelled row, at most
    /// <see cref="RehearsalWindows"/> of them, evenly spaced.</summary>
    private static float[] RehearsalSample(Series scaled, int rows, int span)
    {
        int f = scaled.Features;
        var starts = new List<int>();
        for (int s = 0; s + span <= rows; s += span)
            if (scaled.Labels is null || !scaled.Labels.AsSpan(s, span).Contains(true)) starts.Add(s);
        int take = Math.Min(starts.Count, Math.Min(RehearsalWindows, Math.Max(1, MaxSampleValues / (span * f))));
        var data = new float[take * span * f];
        for (int k = 0; k < take; k++)
            scaled.Values.AsSpan(starts[(int)((long)k * starts.Count / take)] * f, span * f).CopyTo(data.AsSpan(k * span * f));
        return data;
    }

    /// <summary>The last rows from <paramref name="from"/> on, at most <see cref="ReferenceRowCount"/>, with the rows the
    /// calibration was fitted on marked normal.</summary>
    private static (float[], bool[]) ReferenceSample(Series scaled, int from, bool[] normal)
    {
        int start = Math.Max(from, scaled.Length - Math.Min(ReferenceRowCount, MaxSampleValues / scaled.Features));
        return (scaled.Values.AsSpan(start * scaled.Features).ToArray(), normal.AsSpan(start).ToArray());
    }

    private static Series Scaled(Series s, AffineScaler scaler)
    {
        float[] v = (float[])s.Values.Clone();
        scaler.Transform(v);
        return new Series(v, s.Features, s.Labels, s.Source, s.ColumnNames);
    }

    public void Dispose() => Model.Dispose();
}
