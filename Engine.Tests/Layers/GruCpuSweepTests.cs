using System.Runtime.Intrinsics;
using RnnEngine.Engine.Layers;
using RnnEngine.Engine.Tests.Support;
using RnnEngine.Engine.Verification;
using Xunit;

namespace RnnEngine.Engine.Tests.Layers;

/// <summary>
/// The cpu face of the GRU sequence op (the sweeps of GruSequence.Cpu.cs), through the layer, on every GEMM micro-kernel and on one and two
/// threads, with a batch that leaves an edge tile, a hidden size with a scalar tail and 2H, H not multiples of the
/// kernel's panel width: forward against the float64 reference, and forward + backward (with dropout between the
/// layers) bit-identical whatever the thread count.
/// </summary>
public class GruCpuSweepTests
{
    public static IEnumerable<object[]> Paths()
    {
        if (Vector512.IsHardwareAccelerated) yield return [nameof(CpuGemmPath.Vector512)];
        if (Vector256.IsHardwareAccelerated) yield return [nameof(CpuGemmPath.Vector256)];
        yield return [nameof(CpuGemmPath.Scalar)];
    }

    private const int T = 5, B = 19, F = 7, H = 20, Layers = 2;

    private static float[][] Run(CpuBackend backend, float dropout)
    {
        using var s = new TensorScope(backend);
        using var gru = new Gru(backend, F, H, Layers, dropout, seed: 3);
        var y = s.Zeros(T, B, H);
        var hN = s.Zeros(Layers, B, H);
        gru.Forward(s.Of(Data.ToFloat(Data.Uniform(1, T * B * F)), T, B, F), s.Of(Data.ToFloat(Data.Uniform(2, Layers * B * H)), Layers, B, H),
            y, hN, training: true);
        var dx = s.Zeros(T, B, F);
        var dh0 = s.Zeros(Layers, B, H);
        gru.Backward(s.Of(Data.ToFloat(Data.Uniform(4, T * B * H)), T, B, H), s.Of(Data.ToFloat(Data.Uniform(5, Layers * B * H)), Layers, B, H),
            dx, dh0);
        var all = new List<float[]> { y.ToArray(), hN.ToArray(), dx.ToArray(), dh0.ToArray() };
        all.AddRange(gru.Parameters.Select(p => p.Grad.ToArray()));
        return all.ToArray();
    }

    [Theory, MemberData(nameof(Paths))]
    public void ForwardMatchesReferenceOnEveryKernel(string path)
    {
        foreach (int threads in new[] { 1, 2 })
        {
            using var backend = new CpuBackend(threads) { GemmPathOverride = Enum.Parse<CpuGemmPath>(path) };
            using var s = new TensorScope(backend);
            using var gru = new Gru(backend, F, H, Layers, seed: 11);
            double[] x = Data.Uniform(1, T * B * F), h0 = Data.Uniform(2, Layers * B * H);
            var weights = new double[Layers][][];
            for (int l = 0; l < Layers; l++)
                weights[l] = Enumerable.Range(0, 4).Select(p => Data.ToDouble(gru.Parameters[4 * l + p].Value.ToArray())).ToArray();
            var yRef = new double[T * B * H];
            var hRef = new double[Layers * B * H];
            Reference.Gru(T, B, F, H, Layers, x, h0, weights, yRef, hRef);
            var y = s.Zeros(T, B, H);
            var hN = s.Zeros(Layers, B, H);
            gru.Forward(s.Of(Data.ToFloat(x), T, B, F), s.Of(Data.ToFloat(h0), Layers, B, H), y, hN, training: false);
            string at = $"path {path} threads {threads}";
            Data.Close(yRef, y.ToArray(), Tolerances.CheckForward, "y " + at);
            Data.Close(hRef, hN.ToArray(), Tolerances.CheckForward, "hN " + at);
        }
    }

    [Theory, MemberData(nameof(Paths))]
    public void OneAndTwoThreadsAreBitIdentical(string path)
    {
        foreach (float dropout in new[] { 0f, 0.3f })
        {
            float[][] one, two;
            using (var b1 = new CpuBackend(1) { GemmPathOverride = Enum.Parse<CpuGemmPath>(path) }) one = Run(b1, dropout);
            using (var b2 = new CpuBackend(2) { GemmPathOverride = Enum.Parse<CpuGemmPath>(path) }) two = Run(b2, dropout);
            for (int i = 0; i < one.Length; i++) Assert.Equal(one[i], two[i]);
        }
    }

    [Fact]
    public void KernelsAgreeOnGradients()
    {
        float[][] auto;
        using (var b = new CpuBackend(2)) auto = Run(b, 0.3f);
        using var scalar = new CpuBackend(2) { GemmPathOverride = CpuGemmPath.Scalar };
        float[][] other = Run(scalar, 0.3f);
        for (int i = 0; i < auto.Length; i++)
            Data.Close(Data.ToDouble(auto[i]), other[i], Tolerances.CheckForward, $"output {i}, auto vs scalar kernel");
    }
}
