namespace RnnEngine.Models.Data.Scaling;

internal static class Moments
{
    /// <summary>Mean and population std of column <paramref name="f"/> of row-major [N, F] data, two-pass in double.</summary>
    public static (double Mean, double Std) MeanStd(ReadOnlySpan<float> rows, int f, int features)
    {
        double sum = 0;
        int n = 0;
        for (int i = f; i < rows.Length; i += features) { sum += rows[i]; n++; }
        double mean = sum / n;
        double ss = 0;
        for (int i = f; i < rows.Length; i += features) { double d = rows[i] - mean; ss += d * d; }
        return (mean, Math.Sqrt(ss / n));
    }
}
