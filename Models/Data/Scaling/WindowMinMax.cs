namespace RnnEngine.Models.Data.Scaling;

/// <summary>
/// Seed 001's online preprocessing: each window scaled to [0, 1] per feature with its OWN min and max (nothing is
/// fitted; a constant feature in a window becomes 0). Offered as an option next to the fitted scalers.
/// </summary>
public static class WindowMinMax
{
    /// <summary>Scales one window [T, F] in place.</summary>
    public static void Apply(Span<float> window, int features)
    {
        if (features <= 0 || window.Length % features != 0)
            throw new ArgumentException($"{window.Length} values are not whole rows of {features} features");
        for (int f = 0; f < features; f++)
        {
            float lo = float.PositiveInfinity, hi = float.NegativeInfinity;
            for (int i = f; i < window.Length; i += features) { lo = MathF.Min(lo, window[i]); hi = MathF.Max(hi, window[i]); }
            float range = hi - lo;
            for (int i = f; i < window.Length; i += features) window[i] = range > 0 ? (window[i] - lo) / range : 0f;
        }
    }

    public static void Apply(WindowSet windows)
    {
        for (int w = 0; w < windows.Count; w++) Apply(windows.Window(w), windows.Features);
    }
}
