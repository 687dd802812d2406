using RnnEngine.Models.Detection;

namespace RnnEngine.Models.Streaming;

/// <summary>
/// Scores rows one at a time as they arrive, with exactly the arithmetic of <see cref="AnomalyDetector.ScoreRows"/>:
/// each row is scaled, kept in a ring of the last T rows, and once T rows are in, the window ending at this row goes
/// through the model (batch of one) and the absolute error of its last row is scored by the Gaussian error model.
/// Every buffer is allocated here once, so memory stays constant however long the stream runs.
/// </summary>
public sealed class StreamScorer
{
    private readonly AnomalyDetector detector;
    private readonly int window, features;
    private readonly float[] ring;      // [T, F], row r of the stream at slot r % T
    private readonly float[] input;     // [1, T, F] the window in time order
    private readonly float[] output;    // [1, T, F]
    private readonly float[] errors;    // [F]
    private long pushed;

    public StreamScorer(AnomalyDetector detector)
    {
        this.detector = detector;
        window = detector.Model.Window;
        features = detector.Config.Features;
        ring = new float[window * features];
        input = new float[window * features];
        output = new float[window * features];
        errors = new float[features];
    }

    public int Features => features;
    public double Threshold => detector.Threshold;

    /// <summary>Rows pushed so far.</summary>
    public long Count => pushed;

    /// <summary>Takes one raw row [F] (it is scaled in place) and returns its score, NaN while fewer than T rows are in.</summary>
    public double Push(Span<float> row)
    {
        if (row.Length != features) throw new ArgumentException($"stream row has {row.Length} values, the detector expects {features}");
        detector.Scaler.Transform(row);
        int slot = (int)(pushed % window);
        row.CopyTo(ring.AsSpan(slot * features, features));
        pushed++;
        if (pushed < window) return double.NaN;
        // oldest row first: slots slot+1 .. T-1, then 0 .. slot
        int head = (slot + 1) % window;
        int tail = window - head;
        ring.AsSpan(head * features, tail * features).CopyTo(input);
        ring.AsSpan(0, head * features).CopyTo(input.AsSpan(tail * features));
        detector.Model.Predict(input, 1, output);
        int last = (window - 1) * features;
        for (int k = 0; k < features; k++) errors[k] = MathF.Abs(input[last + k] - output[last + k]);
        return detector.ErrorModel.SquaredDistance(errors);
    }
}
