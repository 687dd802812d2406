namespace RnnEngine.Models.Scoring;

/// <summary>
/// Seed 003's score: squared error per sample, smoothed by a forward moving mean over <c>window</c> samples
/// (value k = mean of errors k .. k + w - 1), then divided by the population std of the smoothed series.
/// Returns N - w + 1 values, one per full window; the seed stopped one short (N - w) and left its last slot unsmoothed
/// in the buffer it reused, which is not reproduced.
/// </summary>
public static class SmoothedSquaredError
{
    public const int SeedWindow = 1000;

    public static double[] Compute(ReadOnlySpan<float> actual, ReadOnlySpan<float> predicted, int window = SeedWindow)
    {
        if (actual.Length != predicted.Length) throw new ArgumentException($"actual {actual.Length} and predicted {predicted.Length} values differ");
        if (window <= 0 || window > actual.Length) throw new ArgumentOutOfRangeException(nameof(window), $"window {window} for {actual.Length} samples");
        int n = actual.Length, m = n - window + 1;
        var smoothed = new double[m];
        double running = 0;
        // Running sum in double; the error of adding and removing 1,000-sample terms stays far below float resolution.
        for (int i = 0; i < n; i++)
        {
            double d = (double)actual[i] - predicted[i];
            running += d * d;
            if (i >= window)
            {
                double old = (double)actual[i - window] - predicted[i - window];
                running -= old * old;
            }
            if (i >= window - 1) smoothed[i - window + 1] = running / window;
        }
        double mean = 0;
        foreach (double v in smoothed) mean += v;
        mean /= m;
        double ss = 0;
        foreach (double v in smoothed) ss += (v - mean) * (v - mean);
        double std = Math.Sqrt(ss / m);
        if (std > 0) for (int k = 0; k < m; k++) smoothed[k] /= std;
        return smoothed;
    }
}
