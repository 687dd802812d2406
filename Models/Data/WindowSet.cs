namespace RnnEngine.Models.Data;

/// <summary>
/// Windows cut from a series: <see cref="Data"/> is [Count, T, F] (window-major, each window a contiguous [T, F]
/// block), <see cref="Starts"/> the first series row of each window, <see cref="IsAnomalous"/> whether any row of the
/// window is labelled anomalous (seed 001's rule), null without labels.
/// </summary>
public sealed class WindowSet
{
    public float[] Data { get; }
    public int Count { get; }
    public int Length { get; }
    public int Features { get; }
    public int[] Starts { get; }
    public bool[]? IsAnomalous { get; }
    /// <summary>Per-row labels of every window, [Count, T]; null without labels.</summary>
    public bool[]? PointLabels { get; }

    public WindowSet(float[] data, int count, int length, int features, int[] starts, bool[]? isAnomalous, bool[]? pointLabels)
    {
        if (data.Length != count * length * features)
            throw new ArgumentException($"{data.Length} values are not {count} windows of [{length}, {features}]");
        Data = data; Count = count; Length = length; Features = features; Starts = starts;
        IsAnomalous = isAnomalous; PointLabels = pointLabels;
    }

    public int WindowSize => Length * Features;
    public Span<float> Window(int w) => Data.AsSpan(w * WindowSize, WindowSize);

    /// <summary>
    /// Non-overlapping (stride = T, seed 001 and 003) or overlapping windows of <paramref name="length"/> rows starting
    /// every <paramref name="stride"/> rows; trailing rows that do not fill a window are dropped, as in both seeds.
    /// </summary>
    public static WindowSet Cut(Series s, int length, int stride)
    {
        if (length <= 0) throw new ArgumentOutOfRangeException(nameof(length), "window length must be positive");
        if (stride <= 0) throw new ArgumentOutOfRangeException(nameof(stride), "stride must be positive");
        int count = s.Length < length ? 0 : (s.Length - length) / stride + 1;
        if (count == 0)
            throw new DataFormatException(s.Source, null, null, $"expected at least {length} rows for one window, got {s.Length}");
        int f = s.Features;
        var data = new float[count * length * f];
        var starts = new int[count];
        bool[]? any = s.Labels is null ? null : new bool[count];
        bool[]? points = s.Labels is null ? null : new bool[count * length];
        for (int w = 0; w < count; w++)
        {
            int start = w * stride;
            starts[w] = start;
            s.Values.AsSpan(start * f, length * f).CopyTo(data.AsSpan(w * length * f));
            if (s.Labels is null) continue;
            s.Labels.AsSpan(start, length).CopyTo(points.AsSpan(w * length));
            any![w] = s.Labels.AsSpan(start, length).Contains(true);
        }
        return new WindowSet(data, count, length, f, starts, any, points);
    }

    /// <summary>The windows listed in <paramref name="indices"/>, in that order, as a new set (copies).</summary>
    public WindowSet Select(IReadOnlyList<int> indices)
    {
        var data = new float[indices.Count * WindowSize];
        var starts = new int[indices.Count];
        bool[]? any = IsAnomalous is null ? null : new bool[indices.Count];
        bool[]? points = PointLabels is null ? null : new bool[indices.Count * Length];
        for (int i = 0; i < indices.Count; i++)
        {
            int w = indices[i];
            Window(w).CopyTo(data.AsSpan(i * WindowSize));
            starts[i] = Starts[w];
            if (any is not null) any[i] = IsAnomalous![w];
            if (points is not null) PointLabels.AsSpan(w * Length, Length).CopyTo(points.AsSpan(i * Length));
        }
        return new WindowSet(data, indices.Count, Length, Features, starts, any, points);
    }

    /// <summary>
    /// Copies windows [first, first + B) into a time-major batch [T, B, F], the layout the recurrent layers take.
    /// </summary>
    public void CopyBatchTimeMajor(int first, int batch, Span<float> dst)
    {
        if (first < 0 || first + batch > Count) throw new ArgumentOutOfRangeException(nameof(batch), $"windows [{first}, {first + batch}) of {Count}");
        if (dst.Length != Length * batch * Features) throw new ArgumentException($"destination holds {dst.Length}, [T={Length}, B={batch}, F={Features}] needs {Length * batch * Features}");
        int f = Features;
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<float> win = Window(first + b);
            for (int t = 0; t < Length; t++)
                win.Slice(t * f, f).CopyTo(dst.Slice((t * batch + b) * f, f));
        }
    }
}
