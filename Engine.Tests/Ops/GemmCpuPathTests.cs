using System.Runtime.Intrinsics;
using RnnEngine.Engine.Tests.Support;
using RnnEngine.Engine.Verification;
using Xunit;

namespace RnnEngine.Engine.Tests.Ops;

/// <summary>
/// The cpu GEMM's three micro-kernels (Vector512, Vector256, scalar) each on one and two threads, on shapes that cross
/// the KC and NC cache blocks and leave edge tiles in both M and N, against the float64 reference.
/// </summary>
public class GemmCpuPathTests
{
    public static IEnumerable<object[]> Paths()
    {
        foreach (int threads in new[] { 1, 2 })
        {
            if (Vector512.IsHardwareAccelerated) yield return [nameof(CpuGemmPath.Vector512), threads];
            if (Vector256.IsHardwareAccelerated) yield return [nameof(CpuGemmPath.Vector256), threads];
            yield return [nameof(CpuGemmPath.Scalar), threads];
        }
    }

    private static void Check(CpuBackend backend, bool ta, bool tb, int m, int n, int k, float alpha, float beta)
    {
        double[] a = Data.Uniform(11, m * k), b = Data.Uniform(12, k * n), c = Data.Uniform(13, m * n);
        double[] expected = (double[])c.Clone();
        Reference.Gemm(ta, tb, m, n, k, alpha, a, b, beta, expected);
        using var scope = new TensorScope(backend);
        var tA = scope.Of(Data.ToFloat(a), ta ? [k, m] : [m, k]);
        var tB = scope.Of(Data.ToFloat(b), tb ? [n, k] : [k, n]);
        var tC = scope.Of(Data.ToFloat(c), m, n);
        backend.Gemm(ta, tb, alpha, tA, tB, beta, tC);
        var tol = new Tolerances.Tol(Tolerances.Gemm.Abs * Math.Sqrt(k), Tolerances.Gemm.Rel);
        Data.Close(expected, tC.ToArray(), tol,
            $"gemm {(ta ? 'T' : 'N')}{(tb ? 'T' : 'N')} {m}x{n}x{k} path {backend.ResolvedGemmPath} threads {backend.Threads}");
    }

    [Theory, MemberData(nameof(Paths))]
    public void BlockedShapesAllTransposes(string path, int threads)
    {
        using var backend = new CpuBackend(threads) { GemmPathOverride = Enum.Parse<CpuGemmPath>(path) };
        // 530 > NC (512) and 270 > KC (256); 37 and 530 leave edge tiles for every MR and NR.
        (int M, int N, int K)[] shapes = [(37, 530, 270), (64, 256, 64), (9, 33, 300), (130, 17, 8)];
        foreach (var (m, n, k) in shapes)
        foreach (bool ta in new[] { false, true })
        foreach (bool tb in new[] { false, true })
            Check(backend, ta, tb, m, n, k, 1f, 0f);
    }

    [Theory, MemberData(nameof(Paths))]
    public void AlphaBetaAcrossKBlocks(string path, int threads)
    {
        using var backend = new CpuBackend(threads) { GemmPathOverride = Enum.Parse<CpuGemmPath>(path) };
        // beta applies once although C is updated once per KC block.
        foreach (bool ta in new[] { false, true })
        foreach (bool tb in new[] { false, true })
            Check(backend, ta, tb, 45, 70, 600, -0.75f, 1.5f);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void WarmCallsDoNotAllocate(int threads)
    {
        using var backend = new CpuBackend(threads);
        using var s = new TensorScope(backend);
        // An LSTM-step shape, threaded on 2 cores: packing buffers and the job are reused from the first call on.
        var a = s.Of(Data.ToFloat(Data.Uniform(1, 64 * 256)), 64, 256);
        var b = s.Of(Data.ToFloat(Data.Uniform(2, 1024 * 256)), 1024, 256);
        var c = s.Zeros(64, 1024);
        for (int i = 0; i < 3; i++) backend.Gemm(false, true, 1f, a, b, 0f, c);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) backend.Gemm(false, true, 1f, a, b, 0.5f, c);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void ZeroAlphaOrZeroKScalesC()
    {
        using var backend = new CpuBackend(2);
        using var s = new TensorScope(backend);
        var a = s.Of([1, 2, 3, 4], 2, 2);
        var c = s.Of([1, 2, 3, float.NaN], 2, 2);
        backend.Gemm(false, false, 0f, a, a, 2f, c);
        Assert.Equal(new float[] { 2, 4, 6, float.NaN }, c.ToArray());
        backend.Gemm(false, false, 0f, a, a, 0f, c);
        Assert.Equal(new float[] { 0, 0, 0, 0 }, c.ToArray());
    }

    [Theory]
    [InlineData(2, 8, 32, 256, 1, 8)]      // LSTM step 64x1024x256: split N finely, A is cheap to re-pack
    [InlineData(2, 128, 32, 1024, 4, 2)]   // 1024^3: both ways, so neither operand is re-packed 8 times
    [InlineData(2, 64, 1, 256, 4, 1)]      // tall and thin: split M
    [InlineData(2, 1, 1, 64, 1, 1)]        // one tile: nothing to split
    public void SplitGridBalancesWork(int threads, int mTiles, int nTiles, int k, int tm, int tn) =>
        Assert.Equal((tm, tn), CpuBackend.SplitGrid(threads, mTiles, nTiles, 8, 32, k));
}
