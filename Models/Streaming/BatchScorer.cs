using RnnEngine.Models.Detection;

namespace RnnEngine.Models.Streaming;

/// <summary>
/// Scores the newest rows of many streams with one forward pass of the model over all their windows, with the
/// arithmetic of <see cref="StreamScorer"/> (the same numbers, row for row): serve scores rows of many sensors that
/// arrived together as one batch. The windows go through the model in chunks of <see cref="Chunk"/>, the last one
/// padded, because a model keeps its buffers for one batch size and a batch of another size rebuilds them.
/// Buffers grow to the largest batch seen and are reused.
/// </summary>
public sealed class BatchScorer(AnomalyDetector detector)
{
    public const int Chunk = 64;

    private readonly int window = detector.Model.Window, features = detector.Config.Features;
    private float[] inputs = [], outputs = [];   // [W, T, F] the scored rows' windows and the model's output
    private readonly float[] spanRows = new float[detector.Config.Span * detector.Config.Features];
    private int[] slot = [];                      // window of row i in inputs, -1 for a row without a score

    /// <summary>
    /// Scores rows [N, F] (raw; scaled in place). Row i belongs to the stream <paramref name="states"/>[i] and must be that
    /// stream's next row: several rows of one stream appear in their stream order. Writes the smoothed score (NaN for a
    /// row before the stream's first full span) and the decision of each row.
    /// </summary>
    public void Score(ReadOnlySpan<StreamState> states, Span<float> rows, Span<double> scores, Span<bool> flags)
    {
        int n = states.Length, tf = window * features;
        if (rows.Length != n * features || scores.Length < n || flags.Length < n)
            throw new ArgumentException($"batch of {n} rows: {rows.Length} values for {features} features, {scores.Length} scores, {flags.Length} flags");
        if (slot.Length < n)
        {
            int padded = (n + Chunk - 1) / Chunk * Chunk;
            slot = new int[n];
            inputs = new float[padded * tf];
            outputs = new float[padded * tf];
        }
        int w = 0;
        for (int i = 0; i < n; i++)
        {
            Span<float> row = rows.Slice(i * features, features);
            detector.Scaler.Transform(row);
            if (!states[i].Add(row)) { slot[i] = -1; continue; }
            states[i].CopySpan(spanRows);
            spanRows.AsSpan(0, tf).CopyTo(inputs.AsSpan(w * tf));
            slot[i] = w++;
        }
        // the padding windows hold whatever an earlier batch left there; their outputs are not read
        for (int c = 0; c < w; c += Chunk)
            detector.Model.Predict(inputs.AsSpan(c * tf, Chunk * tf), Chunk, outputs.AsSpan(c * tf, Chunk * tf));
        Span<float> errors = stackalloc float[features];
        for (int i = 0; i < n; i++)
        {
            double raw = slot[i] < 0 ? double.NaN
                : detector.LastStepScore(outputs.AsSpan(slot[i] * tf, tf), rows.Slice(i * features, features), errors);
            scores[i] = states[i].Smooth(raw);
            flags[i] = states[i].Decide(scores[i]);
        }
    }
}
