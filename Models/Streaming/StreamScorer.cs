using RnnEngine.Models.Detection;

namespace RnnEngine.Models.Streaming;

/// <summary>
/// Scores rows one at a time as they arrive, with exactly the arithmetic of <see cref="AnomalyDetector.ScoreRows"/>:
/// each row is scaled and kept in the stream's <see cref="StreamState"/>, and once Span rows are in, the first T of
/// them go through the model (batch of one) and the absolute difference between this row and the model's last output
/// step is scored (<see cref="AnomalyDetector.RowScore"/>) and smoothed; <see cref="Flag"/> makes the row decision with
/// the detector's threshold and event gap. For a reconstruction model the T rows end at this row; for a next-row
/// predictor they are the T rows before it. <see cref="BatchScorer"/> does the same for rows of many streams at once.
/// Every buffer is allocated here once, so memory stays constant however long the stream runs.
/// </summary>
public sealed class StreamScorer
{
    private readonly AnomalyDetector detector;
    private readonly StreamState state;
    private readonly int window, features;
    private readonly float[] input;     // [Span, F] the span in time order; the model reads its first T rows
    private readonly float[] output;    // [1, T, F]
    private readonly float[] errors;    // [F]

    public StreamScorer(AnomalyDetector detector)
    {
        this.detector = detector;
        state = new StreamState(detector);
        window = detector.Model.Window;
        features = detector.Config.Features;
        input = new float[detector.Config.Span * features];
        output = new float[window * features];
        errors = new float[features];
    }

    public int Features => features;
    public double Threshold => detector.Threshold;

    /// <summary>Rows pushed so far.</summary>
    public long Count => state.Count;

    /// <summary>Takes one raw row [F] (it is scaled in place) and returns its score, NaN while fewer than Span rows are in.</summary>
    public double Push(Span<float> row)
    {
        if (row.Length != features) throw new ArgumentException($"stream row has {row.Length} values, the detector expects {features}");
        detector.Scaler.Transform(row);
        if (!state.Add(row)) return double.NaN;
        state.CopySpan(input);
        detector.Model.Predict(input.AsSpan(0, window * features), 1, output);
        return state.Smooth(detector.LastStepScore(output, row, errors));
    }

    /// <summary>After the detector's threshold changed (online updating): decide by the new one from the next row on.</summary>
    public void Recalibrated() => state.Recalibrated(detector);

    /// <summary>The decision for the next output row, given its score (NaN for a row without one); call once per row.</summary>
    public bool Flag(double score) => state.Decide(score);
}
