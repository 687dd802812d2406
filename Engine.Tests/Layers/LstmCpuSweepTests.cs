using System.Runtime.Intrinsics;
using RnnEngine.Engine.Layers;
using RnnEngine.Engine.Tests.Support;
using RnnEngine.Engine.Verification;
using Xunit;

namespace RnnEngine.Engine.Tests.Layers;

/// <summary>
/// The cpu face of the LSTM sequence op (the sweeps of LstmSequence.Cpu.cs), through the layer, on every GEMM micro-kernel and on one and two
/// threads, with a batch that leaves an edge tile and a hidden size with a scalar tail: forward against the float64
/// reference, and forward + backward bit-identical whatever the thread count.
/// </summary>
public class LstmCpuSweepTests
{
    public static IEnumerable<object[]> Paths()
    {
        if (Vector512.IsHardwareAccelerated) yield return [nameof(CpuGemmPath.Vector512)];
        if (Vector256.IsHardwareAccelerated) yield return [nameof(CpuGemmPath.Vector256)];
        yield return [nameof(CpuGemmPath.Scalar)];
    }

    private const int T = 5, B = 19, F = 7, H = 20, Layers = 2;

    private static float[][] Run(CpuBackend backend, bool peephole)
    {
        using var s = new TensorScope(backend);
        using var lstm = new Lstm(backend, F, H, Layers, peephole, seed: 3);
        var y = s.Zeros(T, B, H);
        var hN = s.Zeros(Layers, B, H);
        var cN = s.Zeros(Layers, B, H);
        lstm.Forward(s.Of(Data.ToFloat(Data.Uniform(1, T * B * F)), T, B, F), s.Of(Data.ToFloat(Data.Uniform(2, Layers * B * H)), Layers, B, H),
            s.Of(Data.ToFloat(Data.Uniform(3, Layers * B * H)), Layers, B, H), y, hN, cN, training: true);
        var dx = s.Zeros(T, B, F);
        var dh0 = s.Zeros(Layers, B, H);
        var dc0 = s.Zeros(Layers, B, H);
        lstm.Backward(s.Of(Data.ToFloat(Data.Uniform(4, T * B * H)), T, B, H), s.Of(Data.ToFloat(Data.Uniform(5, Layers * B * H)), Layers, B, H),
            s.Of(Data.ToFloat(Data.Uniform(6, Layers * B * H)), Layers, B, H), dx, dh0, dc0);
        var all = new List<float[]> { y.ToArray(), hN.ToArray(), cN.ToArray(), dx.ToArray(), dh0.ToArray(), dc0.ToArray() };
        all.AddRange(lstm.Parameters.Select(p => p.Grad.ToArray()));
        return all.ToArray();
    }

    [Theory, MemberData(nameof(Paths))]
    public void ForwardMatchesReferenceOnEveryKernel(string path)
    {
        foreach (int threads in new[] { 1, 2 })
        foreach (bool peephole in new[] { false, true })
        {
            using var backend = new CpuBackend(threads) { GemmPathOverride = Enum.Parse<CpuGemmPath>(path) };
            using var s = new TensorScope(backend);
            using var lstm = new Lstm(backend, F, H, Layers, peephole, seed: 11);
            double[] x = Data.Uniform(1, T * B * F), h0 = Data.Uniform(2, Layers * B * H), c0 = Data.Uniform(3, Layers * B * H);
            var parameters = lstm.Parameters.Select(p => Data.ToDouble(p.Value.ToArray())).ToList();
            var yRef = new double[T * B * H];
            var hRef = new double[Layers * B * H];
            var cRef = new double[Layers * B * H];
            Reference.LstmForward(T, B, F, H, Layers, peephole, x, h0, c0, parameters, yRef, hRef, cRef);
            var y = s.Zeros(T, B, H);
            var hN = s.Zeros(Layers, B, H);
            var cN = s.Zeros(Layers, B, H);
            lstm.Forward(s.Of(Data.ToFloat(x), T, B, F), s.Of(Data.ToFloat(h0), Layers, B, H), s.Of(Data.ToFloat(c0), Layers, B, H),
                y, hN, cN, training: false);
            string at = $"path {path} threads {threads} peephole={peephole}";
            Data.Close(yRef, y.ToArray(), Tolerances.CheckForward, "y " + at);
            Data.Close(hRef, hN.ToArray(), Tolerances.CheckForward, "hN " + at);
            Data.Close(cRef, cN.ToArray(), Tolerances.CheckForward, "cN " + at);
        }
    }

    [Theory, MemberData(nameof(Paths))]
    public void OneAndTwoThreadsAreBitIdentical(string path)
    {
        foreach (bool peephole in new[] { false, true })
        {
            float[][] one, two;
            using (var b1 = new CpuBackend(1) { GemmPathOverride = Enum.Parse<CpuGemmPath>(path) }) one = Run(b1, peephole);
            using (var b2 = new CpuBackend(2) { GemmPathOverride = Enum.Parse<CpuGemmPath>(path) }) two = Run(b2, peephole);
            for (int i = 0; i < one.Length; i++) Assert.Equal(one[i], two[i]);
        }
    }

    [Fact]
    public void KernelsAgreeOnGradients()
    {
        float[][] auto;
        using (var b = new CpuBackend(2)) auto = Run(b, peephole: true);
        using var scalar = new CpuBackend(2) { GemmPathOverride = CpuGemmPath.Scalar };
        float[][] other = Run(scalar, peephole: true);
        for (int i = 0; i < auto.Length; i++)
            Data.Close(Data.ToDouble(auto[i]), other[i], Tolerances.CheckForward, $"output {i}, auto vs scalar kernel");
    }
}

/// <summary>CpuSimd.Exp512, the float exp under the cpu cell passes, against double-precision exp.</summary>
public class CpuExpTests
{
    [Fact]
    public void Exp512WithinTwoUlp()
    {
        if (!Vector512.IsHardwareAccelerated) return;
        double worst = 0;
        var v = new float[16];
        for (int i = 0; i < 1 << 20; i += 16)
        {
            for (int l = 0; l < 16; l++) v[l] = -87f + 175f * (i + l) / (1 << 20);
            var e = CpuSimd.Exp512(Vector512.Create(v));
            for (int l = 0; l < 16; l++)
            {
                double exact = Math.Exp(v[l]);
                double ulp = (double)MathF.BitIncrement((float)exact) - (float)exact;
                worst = Math.Max(worst, Math.Abs(e[l] - exact) / ulp);
            }
        }
        Assert.True(worst <= 2.0, $"worst error {worst:F2} ulp");
        var edge = CpuSimd.Exp512(Vector512.Create([float.NegativeInfinity, float.PositiveInfinity, float.NaN, 0f, -1000f, 1000f,
            1f, -1f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f]));
        Assert.True(edge[0] > 0f && edge[0] < 1e-37f);
        Assert.True(float.IsFinite(edge[1]) && edge[1] > 1e38f);
        Assert.True(float.IsNaN(edge[2]));
        Assert.Equal(1f, edge[3]);
        Assert.Equal(MathF.E, edge[6], 1e-6f);
    }
}

/// <summary>CpuSimd.Tanh512, the rational tanh of the cells and the attention scores, against double-precision tanh.</summary>
public class CpuTanhTests
{
    [Fact]
    public void Tanh512WithinHalfAMillionthRelative()
    {
        if (!Vector512.IsHardwareAccelerated) return;
        double worst = 0;
        var v = new float[16];
        for (int i = 0; i < 1 << 20; i += 16)
        {
            // a linear sweep of [-12, 12] and, in the odd lanes, magnitudes down to 1e-9 (relative accuracy near 0)
            for (int l = 0; l < 16; l++)
                v[l] = l % 2 == 0 ? -12f + 24f * (i + l) / (1 << 20) : (l % 4 == 1 ? 1 : -1) * MathF.Pow(10f, -9f + 10f * (i + l) / (1 << 20));
            var t = CpuSimd.Tanh512(Vector512.Create(v));
            for (int l = 0; l < 16; l++)
            {
                double exact = Math.Tanh(v[l]);
                worst = Math.Max(worst, Math.Abs(t[l] - exact) / Math.Max(Math.Abs(exact), 1e-30));
            }
        }
        Assert.True(worst <= 5e-7, $"worst relative error {worst:E2}");
        var edge = CpuSimd.Tanh512(Vector512.Create([float.NegativeInfinity, float.PositiveInfinity, float.NaN, 0f, -0f, 1000f,
            -1000f, 1f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f]));
        Assert.Equal(-1f, edge[0], 1e-6f);
        Assert.Equal(1f, edge[1], 1e-6f);
        Assert.True(float.IsNaN(edge[2]));
        Assert.Equal(0f, edge[3]);
        Assert.Equal(1f, edge[5], 1e-6f);
        Assert.Equal(-1f, edge[6], 1e-6f);
        Assert.Equal((float)Math.Tanh(1), edge[7], 1e-6f);
    }
}

/// <summary>CpuSimd.GateSigmoid512 (the LSTM and GRU gates' sigmoid) against the exact sigmoid.</summary>
public class CpuGateSigmoidTests
{
    [Fact]
    public void GateSigmoidWithinThreeTenMillionthsAbsolute()
    {
        if (!Vector512.IsHardwareAccelerated) return;
        double worst = 0;
        var v = new float[16];
        for (int i = 0; i < 1 << 20; i += 16)
        {
            for (int l = 0; l < 16; l++) v[l] = -24f + 48f * (i + l) / (1 << 20);
            var s = CpuSimd.GateSigmoid512(Vector512.Create(v));
            for (int l = 0; l < 16; l++) worst = Math.Max(worst, Math.Abs(s[l] - 1 / (1 + Math.Exp(-(double)v[l]))));
        }
        Assert.True(worst <= 3e-7, $"worst absolute error {worst:E2}");
        var edge = CpuSimd.GateSigmoid512(Vector512.Create([float.NegativeInfinity, float.PositiveInfinity, float.NaN, 0f, 1000f,
            -1000f, 1f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f]));
        Assert.Equal(0f, edge[0], 1e-6f);
        Assert.Equal(1f, edge[1], 1e-6f);
        Assert.True(float.IsNaN(edge[2]));
        Assert.Equal(0.5f, edge[3]);
        Assert.Equal(1f, edge[4], 1e-6f);
        Assert.Equal(0f, edge[5], 1e-6f);
        Assert.Equal((float)(1 / (1 + Math.Exp(-1))), edge[6], 1e-6f);
    }
}

/// <summary>CpuSimd.Reciprocal512 (estimate + Newton step) against division, on the range the cell passes use (d &gt;= 1).</summary>
public class CpuReciprocalTests
{
    [Fact]
    public void Reciprocal512WithinOneUlpForDAtLeastOne()
    {
        if (!Vector512.IsHardwareAccelerated) return;
        var v = new float[16];
        var rng = new Random(7);
        for (int i = 0; i < 1 << 16; i++)
        {
            for (int l = 0; l < 16; l++) v[l] = 1f + MathF.Exp((float)(rng.NextDouble() * 88));
            var r = CpuSimd.Reciprocal512(Vector512.Create(v));
            for (int l = 0; l < 16; l++)
            {
                float exact = 1f / v[l];
                Assert.True(MathF.Abs(r[l] - exact) <= MathF.BitIncrement(exact) - exact, $"1/{v[l]}: {r[l]} vs {exact}");
            }
        }
        Assert.Equal(1f, CpuSimd.Reciprocal512(Vector512<float>.One)[0]);
    }
}
