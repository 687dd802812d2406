using RnnEngine.Models.Metrics;
using Xunit;

namespace RnnEngine.Engine.Tests.Models;

/// <summary>The honest baselines `eval --data` reports beside a model: raw z, Hotelling T^2, PCA error.</summary>
public class BaselinesTests
{
    [Fact]
    public void JacobiEigenDecomposesASymmetricMatrix()
    {
        var rng = new Random(5);
        int f = 6;
        var a = new double[f * f];
        for (int i = 0; i < f; i++)
            for (int j = 0; j <= i; j++) a[i * f + j] = a[j * f + i] = rng.NextDouble() - 0.5;
        (double[] values, double[] v) = Baselines.SymmetricEigen(a, f);
        for (int k = 0; k < f; k++)
            for (int i = 0; i < f; i++)
            {
                double av = 0;
                for (int j = 0; j < f; j++) av += a[i * f + j] * v[j * f + k];
                Assert.Equal(values[k] * v[i * f + k], av, 10);
            }
        Assert.Equal([1.0, 3.0], Baselines.SymmetricEigen([2, 1, 1, 2], 2).Values.Order().Select(x => Math.Round(x, 10)));
    }

    [Fact]
    public void BaselinesScoreAnOutlierAboveTheTrainingRows()
    {
        // two correlated columns: b = a + small noise; the last row breaks the correlation without leaving either range
        var rng = new Random(2);
        var v = new List<float>();
        for (int t = 0; t < 200; t++)
        {
            float a = (float)(rng.NextDouble() * 2 - 1);
            v.AddRange([a, a + (float)(0.01 * rng.NextDouble())]);
        }
        v.AddRange([0.9f, -0.9f]);
        float[] data = [.. v];
        double[] t2 = Baselines.HotellingT2(data, 2, 200), pca = Baselines.PcaError(data, 2, 200), z = Baselines.RobustZ(data, 2, 200);
        Assert.True(t2[200] > 100 * t2.Take(200).Max(), "T^2 sees the broken correlation");
        Assert.True(pca[200] > 100 * pca.Take(200).Max(), "PCA error sees it");
        Assert.True(z[200] < z.Take(200).Max(), "the raw z-score cannot: both values are inside the training range");
        // robust z of one column: |x - median| / MAD
        Assert.Equal([1.0, 0.0, 1.0, 3.0], Baselines.RobustZ([1, 2, 3, 5], 1, 3));
    }
}
