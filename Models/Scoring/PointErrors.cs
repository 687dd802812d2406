namespace RnnEngine.Models.Scoring;

/// <summary>Per-point reconstruction errors and per-window error summaries. Data are row-major; a window is [T, F].</summary>
public static class PointErrors
{
    /// <summary>e = |x - x̂| elementwise: the error vectors [N, F] that the Gaussian error model scores (seed 001).</summary>
    public static void Absolute(ReadOnlySpan<float> actual, ReadOnlySpan<float> predicted, Span<float> errors)
    {
        if (actual.Length != predicted.Length || errors.Length != actual.Length)
            throw new ArgumentException($"error vectors need equal lengths: actual {actual.Length}, predicted {predicted.Length}, errors {errors.Length}");
        for (int i = 0; i < actual.Length; i++) errors[i] = MathF.Abs(actual[i] - predicted[i]);
    }

    public static float[] Absolute(ReadOnlySpan<float> actual, ReadOnlySpan<float> predicted)
    {
        var e = new float[actual.Length];
        Absolute(actual, predicted, e);
        return e;
    }

    /// <summary>Mean squared error of each window of <paramref name="windowSize"/> = T * F values (seed 000's score).</summary>
    public static double[] WindowMse(ReadOnlySpan<float> actual, ReadOnlySpan<float> predicted, int windowSize) =>
        PerWindow(actual, predicted, windowSize, squared: true);

    /// <summary>Mean absolute error of each window (seed 002's next-step MAE when the window is one step).</summary>
    public static double[] WindowMae(ReadOnlySpan<float> actual, ReadOnlySpan<float> predicted, int windowSize) =>
        PerWindow(actual, predicted, windowSize, squared: false);

    private static double[] PerWindow(ReadOnlySpan<float> a, ReadOnlySpan<float> p, int size, bool squared)
    {
        if (a.Length != p.Length) throw new ArgumentException($"actual {a.Length} and predicted {p.Length} values differ");
        if (size <= 0 || a.Length % size != 0) throw new ArgumentException($"{a.Length} values are not whole windows of {size}");
        var result = new double[a.Length / size];
        for (int w = 0; w < result.Length; w++)
        {
            double sum = 0;
            for (int i = w * size; i < (w + 1) * size; i++)
            {
                double d = (double)a[i] - p[i];
                sum += squared ? d * d : Math.Abs(d);
            }
            result[w] = sum / size;
        }
        return result;
    }

    /// <summary>Window score = the largest point score among its T points (seed 001).</summary>
    public static double[] WindowMax(ReadOnlySpan<double> pointScores, int pointsPerWindow)
    {
        if (pointsPerWindow <= 0 || pointScores.Length % pointsPerWindow != 0)
            throw new ArgumentException($"{pointScores.Length} point scores are not whole windows of {pointsPerWindow}");
        var result = new double[pointScores.Length / pointsPerWindow];
        for (int w = 0; w < result.Length; w++)
        {
            double m = double.NegativeInfinity;
            foreach (double s in pointScores.Slice(w * pointsPerWindow, pointsPerWindow)) m = Math.Max(m, s);
            result[w] = m;
        }
        return result;
    }

    /// <summary>Seed 001's window decision: anomalous when at least <paramref name="hardCriterion"/> of its point scores exceed the threshold.</summary>
    public static bool[] WindowVotes(ReadOnlySpan<double> pointScores, int pointsPerWindow, double threshold, int hardCriterion)
    {
        if (pointsPerWindow <= 0 || pointScores.Length % pointsPerWindow != 0)
            throw new ArgumentException($"{pointScores.Length} point scores are not whole windows of {pointsPerWindow}");
        var result = new bool[pointScores.Length / pointsPerWindow];
        for (int w = 0; w < result.Length; w++)
        {
            int above = 0;
            foreach (double s in pointScores.Slice(w * pointsPerWindow, pointsPerWindow)) if (s > threshold) above++;
            result[w] = above >= hardCriterion;
        }
        return result;
    }
}
