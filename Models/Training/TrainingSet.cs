namespace RnnEngine.Models.Training;

/// <summary>
/// N training examples of shape [T, F]: inputs and targets, each batch-major [N, T, F] on the host. For reconstruction
/// the two arrays are the same; for next-window prediction the targets are the following windows.
/// </summary>
public sealed record TrainingSet(float[] Inputs, float[] Targets, int Count, int Window, int Features)
{
    public int Stride => Window * Features;

    public static TrainingSet Reconstruction(float[] windows, int window, int features) =>
        new(windows, windows, windows.Length / (window * features), window, features);

    /// <summary>
    /// Next-row pairs from a [rows, F] series: for each k of <paramref name="starts"/> (all k with a following row when
    /// null) the input is rows k .. k+T-1 and the target rows k+1 .. k+T, the window shifted by one row.
    /// </summary>
    public static TrainingSet NextRow(ReadOnlySpan<float> rows, int features, int window, IReadOnlyList<int>? starts = null)
    {
        int available = rows.Length / features - window;
        if (available <= 0) throw new ArgumentException($"{rows.Length / features} rows hold no window of {window} + 1 rows");
        int n = starts?.Count ?? available, stride = window * features;
        var inputs = new float[n * stride];
        var targets = new float[n * stride];
        for (int i = 0; i < n; i++)
        {
            int k = starts?[i] ?? i;
            if (k < 0 || k >= available) throw new ArgumentOutOfRangeException(nameof(starts), $"window start {k} outside [0, {available})");
            rows.Slice(k * features, stride).CopyTo(inputs.AsSpan(i * stride));
            rows.Slice((k + 1) * features, stride).CopyTo(targets.AsSpan(i * stride));
        }
        return new TrainingSet(inputs, targets, n, window, features);
    }

    /// <summary>The windows [start, start + count) of this set (copies).</summary>
    public TrainingSet Range(int start, int count)
    {
        if (start < 0 || count < 0 || start + count > Count)
            throw new ArgumentOutOfRangeException(nameof(count), $"windows [{start}, {start + count}) outside a set of {Count}");
        float[] inputs = Inputs.AsSpan(start * Stride, count * Stride).ToArray();
        float[] targets = ReferenceEquals(Inputs, Targets) ? inputs : Targets.AsSpan(start * Stride, count * Stride).ToArray();
        return new TrainingSet(inputs, targets, count, Window, Features);
    }
}
