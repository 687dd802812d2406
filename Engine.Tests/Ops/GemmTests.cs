using RnnEngine.Engine.Tests.Support;
using RnnEngine.Engine.Verification;
using Xunit;

namespace RnnEngine.Engine.Tests.Ops;

public class GemmTests
{
    public static IEnumerable<object[]> Shapes()
    {
        int[] sizes = [1, 7, 33, 65, 129];
        foreach (int m in sizes)
        foreach (int n in sizes)
        foreach (int k in sizes)
            if ((m + n + k) % 3 == 0 || m == n && n == k)  // a spread over all odd sizes, not the full cube
                yield return [m, n, k];
    }

    private static void Check(string device, bool ta, bool tb, int m, int n, int k, float alpha, float beta)
    {
        var backend = TestBackends.Get(device);
        double[] a = Data.Uniform(1, m * k), b = Data.Uniform(2, k * n), c = Data.Uniform(3, m * n);
        double[] expected = (double[])c.Clone();
        Reference.Gemm(ta, tb, m, n, k, alpha, a, b, beta, expected);

        using var scope = new TensorScope(backend);
        var ta_ = scope.Of(Data.ToFloat(a), ta ? [k, m] : [m, k]);
        var tb_ = scope.Of(Data.ToFloat(b), tb ? [n, k] : [k, n]);
        var tc = scope.Of(Data.ToFloat(c), m, n);
        backend.Gemm(ta, tb, alpha, ta_, tb_, beta, tc);
        var tol = new Tolerances.Tol(Tolerances.Gemm.Abs * Math.Sqrt(k), Tolerances.Gemm.Rel);
        Data.Close(expected, tc.ToArray(), tol, $"gemm {(ta ? 'T' : 'N')}{(tb ? 'T' : 'N')} {m}x{n}x{k} on {device}");
    }

    [Theory, LocalBackends, CudaBackend]
    public void AllTransposesOnOddSizes(string device)
    {
        // The simulator is slow: it gets the sizes up to 65, cpu and cuda every size.
        int limit = device == "ilgpu-cpu" ? 65 : 129;
        foreach (object[] s in Shapes())
        {
            int m = (int)s[0], n = (int)s[1], k = (int)s[2];
            if (m > limit || n > limit || k > limit) continue;
            foreach (bool ta in new[] { false, true })
            foreach (bool tb in new[] { false, true })
                Check(device, ta, tb, m, n, k, 1f, 0f);
        }
    }

    [Theory, LocalBackends, CudaBackend]
    public void AlphaBetaAccumulate(string device)
    {
        foreach (bool ta in new[] { false, true })
        foreach (bool tb in new[] { false, true })
            Check(device, ta, tb, 33, 17, 65, 0.5f, -1.25f);
    }

    [Theory, LocalBackends, CudaBackend]
    public void BetaZeroOverwritesNaN(string device)
    {
        var backend = TestBackends.Get(device);
        using var s = new TensorScope(backend);
        var a = s.Of([1, 2, 3, 4], 2, 2);
        var b = s.Of([1, 0, 0, 1], 2, 2);
        var c = s.Of([float.NaN, float.NaN, float.NaN, float.NaN], 2, 2);
        backend.Gemm(false, false, 1f, a, b, 0f, c);
        Assert.Equal(new float[] { 1, 2, 3, 4 }, c.ToArray());
    }

    [Fact]
    public void ShapeMismatchNamesOpAndShapes()
    {
        var backend = TestBackends.Get("cpu");
        using var s = new TensorScope(backend);
        var e = Assert.Throws<ArgumentException>(() => backend.Gemm(false, false, 1f, s.Zeros(3, 4), s.Zeros(5, 2), 0f, s.Zeros(3, 2)));
        Assert.Contains("gemm", e.Message);
        Assert.Contains("[3, 4]", e.Message);
        Assert.Contains("[5, 2]", e.Message);
    }

    [Theory, LocalBackends, CudaBackend]
    public void GradChecksPass(string device)
    {
        foreach (var check in GradCheckCatalog.Engine().Where(c => c.Name.StartsWith("gemm", StringComparison.Ordinal)))
        {
            var r = check.Run(TestBackends.Get(device));
            Assert.True(r.Pass, $"{r.Name} on {device}: {r.Detail}");
        }
    }
}
