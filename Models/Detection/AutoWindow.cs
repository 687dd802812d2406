using RnnEngine.Models.Data;

namespace RnnEngine.Models.Detection;

/// <summary>
/// `--window auto`: the window from the data's dominant period. The autocorrelation of each scored column of the
/// training rows (at most <see cref="MaxColumns"/>), averaged, is searched for its highest peak after it first drops
/// below zero; a peak of at least <see cref="MinPeak"/> is a period and becomes the window. Without one (noise,
/// trends, flat telemetry) the window is <see cref="Fallback"/>. Either way it is kept within
/// [<see cref="Min"/>, <see cref="Max"/>] and at most a quarter of the training rows, so short series still cut
/// enough windows.
/// </summary>
public static class AutoWindow
{
    public const int Min = 8, Max = 128, Fallback = 32, MaxColumns = 16;
    public const double MinPeak = 0.3;

    public static (int Window, string Why) Choose(Series rows, int[] columns)
    {
        int n = rows.Length, f = rows.Features;
        int cap = Math.Max(2, Math.Min(Max, n / 4));
        int maxLag = Math.Min(4 * Max, n / 2);
        var acf = new double[maxLag + 1];
        int used = 0;
        foreach (int c in columns.Take(MaxColumns))
        {
            double mean = 0;
            for (int t = 0; t < n; t++) mean += rows.Values[t * f + c];
            mean /= n;
            double var = 0;
            for (int t = 0; t < n; t++) var += (rows.Values[t * f + c] - mean) * (rows.Values[t * f + c] - mean);
            if (!(var > 0)) continue;
            used++;
            for (int lag = 1; lag <= maxLag; lag++)
            {
                double s = 0;
                for (int t = lag; t < n; t++) s += (rows.Values[t * f + c] - mean) * (rows.Values[(t - lag) * f + c] - mean);
                acf[lag] += s / var;
            }
        }
        int best = -1;
        if (used > 0)
        {
            for (int lag = 1; lag <= maxLag; lag++) acf[lag] /= used;
            int start = Array.FindIndex(acf, 1, v => v < 0);
            if (start > 0)
                for (int lag = start + 1; lag < maxLag; lag++)
                    if (acf[lag] >= acf[lag - 1] && acf[lag] >= acf[lag + 1] && acf[lag] >= MinPeak && (best < 0 || acf[lag] > acf[best])) best = lag;
        }
        if (best > 0)
        {
            int w = Math.Clamp(best, Min, cap);
            return (w, $"period {best} rows (autocorrelation {acf[best]:F2})" + (w != best ? $", kept within [{Min}, {cap}]" : ""));
        }
        int fallback = Math.Clamp(Fallback, Math.Min(Min, cap), cap);
        return (fallback, "no clear period" + (fallback != Fallback ? $", kept within {cap} (a quarter of the training rows)" : ""));
    }
}
