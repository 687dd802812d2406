namespace RnnEngine.Models.Architectures;

/// <summary>Host-side reorderings between batch-major windows [B, T, F] and the time-major sequences [T, B, F] of the layers.</summary>
internal static class HostLayout
{
    /// <summary>dst[t, b, f] = src[b, t, f].</summary>
    public static void ToTimeMajor(ReadOnlySpan<float> src, Span<float> dst, int batch, int steps, int features)
    {
        for (int b = 0; b < batch; b++)
            for (int t = 0; t < steps; t++)
                src.Slice((b * steps + t) * features, features).CopyTo(dst.Slice((t * batch + b) * features, features));
    }

    /// <summary>dst[b, t, f] = src[t, b, f].</summary>
    public static void ToBatchMajor(ReadOnlySpan<float> src, Span<float> dst, int batch, int steps, int features)
    {
        for (int t = 0; t < steps; t++)
            for (int b = 0; b < batch; b++)
                src.Slice((t * batch + b) * features, features).CopyTo(dst.Slice((b * steps + t) * features, features));
    }
}
