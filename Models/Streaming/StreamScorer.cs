using RnnEngine.Models.Detection;
using RnnEngine.Models.Scoring;
using RnnEngine.Models.Thresholds;

namespace RnnEngine.Models.Streaming;

/// <summary>
/// Scores rows one at a time as they arrive, with exactly the arithmetic of <see cref="AnomalyDetector.ScoreRows"/>:
/// each row is scaled, kept in a ring of the last Span rows (<see cref="DetectorConfig.Span"/>), and once Span rows are
/// in, the first T of them go through the model (batch of one) and the absolute difference between this row and the
/// model's last output step is scored (<see cref="AnomalyDetector.RowScore"/>) and smoothed; <see cref="Flag"/> makes
/// the row decision with the detector's threshold and event gap. For a reconstruction model the T rows end at this
/// row; for a next-row predictor they are the T rows before it.
/// Every buffer is allocated here once, so memory stays constant however long the stream runs.
/// </summary>
public sealed class StreamScorer
{
    private readonly AnomalyDetector detector;
    private readonly int window, span, features;
    private readonly float[] ring;      // [Span, F], row r of the stream at slot r % Span
    private readonly float[] input;     // [Span, F] the span in time order; the model reads its first T rows
    private readonly float[] output;    // [1, T, F]
    private readonly float[] errors;    // [F]
    private readonly ScoreSmoother smoother;
    private Func<double, bool> decide;
    private long pushed;

    public StreamScorer(AnomalyDetector detector)
    {
        this.detector = detector;
        window = detector.Model.Window;
        span = detector.Config.Span;
        features = detector.Config.Features;
        ring = new float[span * features];
        input = new float[span * features];
        output = new float[window * features];
        errors = new float[features];
        smoother = new ScoreSmoother(detector.Config.Smoothing);
        decide = detector.NewDecider();
    }

    public int Features => features;
    public double Threshold => detector.Threshold;

    /// <summary>Rows pushed so far.</summary>
    public long Count => pushed;

    /// <summary>Takes one raw row [F] (it is scaled in place) and returns its score, NaN while fewer than Span rows are in.</summary>
    public double Push(Span<float> row)
    {
        if (row.Length != features) throw new ArgumentException($"stream row has {row.Length} values, the detector expects {features}");
        detector.Scaler.Transform(row);
        int slot = (int)(pushed % span);
        row.CopyTo(ring.AsSpan(slot * features, features));
        pushed++;
        if (pushed < span) return double.NaN;
        // oldest row first: slots slot+1 .. Span-1, then 0 .. slot
        int head = (slot + 1) % span;
        int tail = span - head;
        ring.AsSpan(head * features, tail * features).CopyTo(input);
        ring.AsSpan(0, head * features).CopyTo(input.AsSpan(tail * features));
        detector.Model.Predict(input.AsSpan(0, window * features), 1, output);
        int last = (window - 1) * features;
        for (int k = 0; k < features; k++) errors[k] = MathF.Abs(row[k] - output[last + k]);
        return smoother.Next(detector.RowScore(errors, row));
    }

    /// <summary>After the detector's threshold changed (online updating): decide by the new one from the next row on.</summary>
    public void Recalibrated() => decide = detector.NewDecider();

    /// <summary>The decision for the next output row, given its score (NaN for a row without one); call once per row.</summary>
    public bool Flag(double score) => decide(score);
}
