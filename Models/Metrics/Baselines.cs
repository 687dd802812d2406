using RnnEngine.Models.Scoring;

namespace RnnEngine.Models.Metrics;

/// <summary>
/// Honest baselines fitted on the same training rows as a model, each scoring every row of [N, F] data, so a user can
/// see whether the network adds anything: the robust z-score of the raw values (max over columns of |x - median| /
/// MAD), Hotelling's T^2 ((x - mean)' S^-1 (x - mean), S with a ridge for constant columns) and the PCA reconstruction
/// error (squared distance of the standardised row from its projection on the components that keep
/// <see cref="PcaVariance"/> of the variance). Row-major data; the first <c>trainRows</c> rows fit them.
/// </summary>
public static class Baselines
{
    public const double PcaVariance = 0.9;

    /// <summary>
    /// Window-level figures of each baseline (two columns or more for T^2 and PCA; one column is its own component and
    /// its T^2 ranks like the z-score): fitted on <paramref name="trainRows"/> [N, F], each test window [T, F] of
    /// <paramref name="testWindows"/> scored by the largest of its rows' scores (seed 001's window score), ROC AUC and
    /// PR AUC against <paramref name="labels"/>.
    /// </summary>
    public static IReadOnlyList<BaselineResult> OnWindows(ReadOnlySpan<float> trainRows, ReadOnlySpan<float> testWindows, int window, int features,
        IReadOnlyList<bool> labels)
    {
        int train = trainRows.Length / features;
        float[] all = [.. trainRows, .. testWindows];
        var methods = new List<(string, double[])> { ("raw_z", RobustZ(all, features, train)) };
        if (features > 1)
        {
            methods.Add(("t2", HotellingT2(all, features, train)));
            methods.Add(("pca", PcaError(all, features, train)));
        }
        var results = new List<BaselineResult>();
        foreach ((string name, double[] points) in methods)
        {
            double[] windows = Scoring.PointErrors.WindowMax(points.AsSpan(train), window);
            results.Add(new BaselineResult(name, RankingMetrics.RocAuc(windows, labels), RankingMetrics.AveragePrecision(windows, labels)));
        }
        return results;
    }

    public static double[] RobustZ(ReadOnlySpan<float> data, int features, int trainRows)
    {
        int f = features, n = data.Length / f;
        var med = new double[f];
        var mad = new double[f];
        var col = new double[trainRows];
        for (int c = 0; c < f; c++)
        {
            for (int t = 0; t < trainRows; t++) col[t] = data[t * f + c];
            med[c] = Thresholds.ThresholdRules.Median(col);
            for (int t = 0; t < trainRows; t++) col[t] = Math.Abs(data[t * f + c] - med[c]);
            mad[c] = Thresholds.ThresholdRules.Median(col) is > 0 and var m ? m : 1e-9;
        }
        var s = new double[n];
        for (int t = 0; t < n; t++)
            for (int c = 0; c < f; c++) s[t] = Math.Max(s[t], Math.Abs(data[t * f + c] - med[c]) / mad[c]);
        return s;
    }

    public static double[] HotellingT2(ReadOnlySpan<float> data, int features, int trainRows)
    {
        var model = GaussianErrorModel.Fit(data[..(trainRows * features)], features);
        var s = new double[data.Length / features];
        for (int t = 0; t < s.Length; t++) s[t] = model.SquaredDistance(data.Slice(t * features, features));
        return s;
    }

    public static double[] PcaError(ReadOnlySpan<float> data, int features, int trainRows)
    {
        int f = features, n = data.Length / f;
        var mean = new double[f];
        var sd = new double[f];
        for (int t = 0; t < trainRows; t++)
            for (int c = 0; c < f; c++) mean[c] += data[t * f + c];
        for (int c = 0; c < f; c++) mean[c] /= trainRows;
        for (int t = 0; t < trainRows; t++)
            for (int c = 0; c < f; c++) sd[c] += (data[t * f + c] - mean[c]) * (data[t * f + c] - mean[c]);
        for (int c = 0; c < f; c++) sd[c] = Math.Sqrt(sd[c] / Math.Max(1, trainRows - 1)) is > 0 and var v ? v : 1;
        var cov = new double[f * f];
        var z = new double[f];
        for (int t = 0; t < trainRows; t++)
        {
            for (int c = 0; c < f; c++) z[c] = (data[t * f + c] - mean[c]) / sd[c];
            for (int a = 0; a < f; a++)
                for (int b = 0; b < f; b++) cov[a * f + b] += z[a] * z[b] / Math.Max(1, trainRows - 1);
        }
        (double[] values, double[] vectors) = SymmetricEigen(cov, f);
        int[] order = [.. Enumerable.Range(0, f).OrderByDescending(i => values[i])];
        double total = values.Sum(v => Math.Max(v, 0)), kept = 0;
        var comps = new List<int>();
        foreach (int i in order)
        {
            if (total > 0 && kept >= PcaVariance * total) break;
            comps.Add(i);
            kept += Math.Max(values[i], 0);
        }
        var s = new double[n];
        for (int t = 0; t < n; t++)
        {
            double norm = 0;
            for (int c = 0; c < f; c++) { z[c] = (data[t * f + c] - mean[c]) / sd[c]; norm += z[c] * z[c]; }
            double projected = 0;
            foreach (int i in comps)
            {
                double p = 0;
                for (int c = 0; c < f; c++) p += vectors[c * f + i] * z[c];
                projected += p * p;
            }
            s[t] = Math.Max(0, norm - projected);
        }
        return s;
    }

    /// <summary>Cyclic Jacobi rotations: eigenvalues and column eigenvectors (row-major [F, F]) of a symmetric matrix.</summary>
    internal static (double[] Values, double[] Vectors) SymmetricEigen(double[] matrix, int f)
    {
        double[] a = (double[])matrix.Clone();
        var v = new double[f * f];
        for (int i = 0; i < f; i++) v[i * f + i] = 1;
        for (int sweep = 0; sweep < 100; sweep++)
        {
            double off = 0;
            for (int p = 0; p < f; p++)
                for (int q = p + 1; q < f; q++) off += a[p * f + q] * a[p * f + q];
            if (off < 1e-22) break;
            for (int p = 0; p < f; p++)
                for (int q = p + 1; q < f; q++)
                {
                    double apq = a[p * f + q];
                    if (Math.Abs(apq) < 1e-300) continue;
                    double theta = (a[q * f + q] - a[p * f + p]) / (2 * apq);
                    double tan = Math.Sign(theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    if (theta == 0) tan = 1;
                    double cos = 1 / Math.Sqrt(tan * tan + 1), sin = tan * cos;
                    for (int k = 0; k < f; k++)
                    {
                        double akp = a[k * f + p], akq = a[k * f + q];
                        a[k * f + p] = cos * akp - sin * akq;
                        a[k * f + q] = sin * akp + cos * akq;
                    }
                    for (int k = 0; k < f; k++)
                    {
                        double apk = a[p * f + k], aqk = a[q * f + k];
                        a[p * f + k] = cos * apk - sin * aqk;
                        a[q * f + k] = sin * apk + cos * aqk;
                    }
                    for (int k = 0; k < f; k++)
                    {
                        double vkp = v[k * f + p], vkq = v[k * f + q];
                        v[k * f + p] = cos * vkp - sin * vkq;
                        v[k * f + q] = sin * vkp + cos * vkq;
                    }
                }
        }
        var values = new double[f];
        for (int i = 0; i < f; i++) values[i] = a[i * f + i];
        return (values, v);
    }
}

/// <summary>A baseline's ranking figures on the same test rows or windows as a model.</summary>
public sealed record BaselineResult(string Name, double RocAuc, double PrAuc);
