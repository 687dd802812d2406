using RnnEngine.Engine.Tests.Support;
using RnnEngine.Engine.Verification;
using Xunit;

namespace RnnEngine.Engine.Tests.Ops;

/// <summary>
/// The ILGPU GEMM variants kept in the source (v1 is not launched by Gemm any more) against the float64 reference on
/// the simulator, on a shape that crosses v2's 64x64 tile and 16-deep k-tile in every dimension.
/// </summary>
public class GemmIlgpuVariantTests
{
    [Fact]
    public void V1StillMatchesReference()
    {
        var backend = (IlgpuBackend)TestBackends.Get("ilgpu-cpu");
        const int m = 19, n = 23, k = 17;
        foreach (bool ta in new[] { false, true })
        foreach (bool tb in new[] { false, true })
        {
            double[] a = Data.Uniform(21, m * k), b = Data.Uniform(22, k * n), c = Data.Uniform(23, m * n);
            double[] expected = (double[])c.Clone();
            Reference.Gemm(ta, tb, m, n, k, 0.5f, a, b, 2f, expected);
            using var scope = new TensorScope(backend);
            var tA = scope.Of(Data.ToFloat(a), ta ? [k, m] : [m, k]);
            var tB = scope.Of(Data.ToFloat(b), tb ? [n, k] : [k, n]);
            var tC = scope.Of(Data.ToFloat(c), m, n);
            backend.GemmV1(ta, tb, m, n, k, 0.5f, tA, tB, 2f, tC);
            Data.Close(expected, tC.ToArray(), new Tolerances.Tol(Tolerances.Gemm.Abs * Math.Sqrt(k), Tolerances.Gemm.Rel),
                $"gemm v1 {(ta ? 'T' : 'N')}{(tb ? 'T' : 'N')} on ilgpu-cpu");
        }
    }

    [Fact]
    public void V2CrossesTilesInEveryDimension()
    {
        var backend = TestBackends.Get("ilgpu-cpu");
        const int m = 70, n = 66, k = 35;
        foreach (bool ta in new[] { false, true })
        foreach (bool tb in new[] { false, true })
        {
            double[] a = Data.Uniform(31, m * k), b = Data.Uniform(32, k * n), c = Data.Uniform(33, m * n);
            double[] expected = (double[])c.Clone();
            Reference.Gemm(ta, tb, m, n, k, -1.5f, a, b, 0.25f, expected);
            using var scope = new TensorScope(backend);
            var tA = scope.Of(Data.ToFloat(a), ta ? [k, m] : [m, k]);
            var tB = scope.Of(Data.ToFloat(b), tb ? [n, k] : [k, n]);
            var tC = scope.Of(Data.ToFloat(c), m, n);
            backend.Gemm(ta, tb, -1.5f, tA, tB, 0.25f, tC);
            Data.Close(expected, tC.ToArray(), new Tolerances.Tol(Tolerances.Gemm.Abs * Math.Sqrt(k), Tolerances.Gemm.Rel),
                $"gemm v2 {(ta ? 'T' : 'N')}{(tb ? 'T' : 'N')} {m}x{n}x{k} on ilgpu-cpu");
        }
    }

    /// <summary>v3 on a shape that crosses its 128x128 tile and 8-deep k-tile (3 k-tiles, the last partial: both buffers).</summary>
    [Fact]
    public void V3CrossesTilesInEveryDimension()
    {
        var backend = (IlgpuBackend)TestBackends.Get("ilgpu-cpu");
        const int m = 130, n = 133, k = 21;
        foreach (bool ta in new[] { false, true })
        foreach (bool tb in new[] { false, true })
        {
            double[] a = Data.Uniform(41, m * k), b = Data.Uniform(42, k * n), c = Data.Uniform(43, m * n);
            double[] expected = (double[])c.Clone();
            Reference.Gemm(ta, tb, m, n, k, 0.75f, a, b, -0.5f, expected);
            using var scope = new TensorScope(backend);
            var tA = scope.Of(Data.ToFloat(a), ta ? [k, m] : [m, k]);
            var tB = scope.Of(Data.ToFloat(b), tb ? [n, k] : [k, n]);
            var tC = scope.Of(Data.ToFloat(c), m, n);
            backend.GemmV3(ta, tb, m, n, k, 0.75f, tA, tB, -0.5f, tC);
            Data.Close(expected, tC.ToArray(), new Tolerances.Tol(Tolerances.Gemm.Abs * Math.Sqrt(k), Tolerances.Gemm.Rel),
                $"gemm v3 {(ta ? 'T' : 'N')}{(tb ? 'T' : 'N')} {m}x{n}x{k} on ilgpu-cpu");
        }
    }
}
