using RnnEngine.Engine.Tests.Support;
using RnnEngine.Engine.Verification;
using Xunit;

namespace RnnEngine.Engine.Tests.Ops;

public class DropoutTests
{
    [Theory, LocalBackends, CudaBackend]
    public void MaskAndOutputMatchReference(string device)
    {
        var backend = TestBackends.Get(device);
        foreach (int n in ElementwiseTests.Sizes)
        foreach (float p in new[] { 0f, 0.25f, 0.5f })
        {
            double[] x = Data.Uniform(n, n), dy = Data.Uniform(n + 1, n);
            using var s = new TensorScope(backend);
            var tx = s.Of(Data.ToFloat(x), n);
            var ty = s.Zeros(n);
            var tm = s.Zeros(n);
            var tdx = s.Zeros(n);
            backend.Dropout(tx, ty, tm, p, seed: 7, offset: 123);
            backend.DropoutBackward(s.Of(Data.ToFloat(dy), n), tm, tdx);

            double[] y = new double[n], mask = new double[n], dx = new double[n];
            Reference.Dropout(x, y, mask, p, 7, 123);
            Reference.Mul(dy, mask, dx);
            string what = $"dropout p={p} n={n} on {device}";
            Data.Close(mask, tm.ToArray(), Tolerances.Pointwise, what + " mask");
            Data.Close(y, ty.ToArray(), Tolerances.Pointwise, what);
            Data.Close(dx, tdx.ToArray(), Tolerances.Pointwise, what + " backward");
        }
    }

    [Fact]
    public void CpuAndSimulatorDrawBitIdenticalMasks()
    {
        const int n = 77;
        float[] x = Data.ToFloat(Data.Uniform(5, n));
        float[] Mask(string device, ulong offset)
        {
            var backend = TestBackends.Get(device);
            using var s = new TensorScope(backend);
            var tx = s.Of(x, n);
            var ty = s.Zeros(n);
            var tm = s.Zeros(n);
            backend.Dropout(tx, ty, tm, 0.4f, seed: 99, offset);
            return tm.ToArray();
        }
        foreach (ulong offset in new ulong[] { 0, 77, 1UL << 40 })
        {
            float[] cpu = Mask("cpu", offset), sim = Mask("ilgpu-cpu", offset);
            for (int i = 0; i < n; i++)
                Assert.True(BitConverter.SingleToInt32Bits(cpu[i]) == BitConverter.SingleToInt32Bits(sim[i]),
                    $"mask[{i}] at offset {offset}: cpu {cpu[i]:R}, ilgpu-cpu {sim[i]:R}");
        }
    }

    [Fact]
    public void DropRateAndOffsetsBehave()
    {
        var backend = TestBackends.Get("cpu");
        const int n = 20_000;
        using var s = new TensorScope(backend);
        var x = s.Zeros(n);
        backend.Fill(x, 1f);
        var y = s.Zeros(n);
        var m1 = s.Zeros(n);
        var m2 = s.Zeros(n);
        backend.Dropout(x, y, m1, 0.3f, seed: 1, offset: 0);
        backend.Dropout(x, y, m2, 0.3f, seed: 1, offset: n);
        float[] a = m1.ToArray(), b = m2.ToArray();
        double dropped = a.Count(v => v == 0f) / (double)n;
        // 0.3 +- 5 standard deviations of a binomial fraction over 20000 draws.
        Assert.InRange(dropped, 0.3 - 5 * Math.Sqrt(0.21 / n), 0.3 + 5 * Math.Sqrt(0.21 / n));
        Assert.All(a, v => Assert.True(v == 0f || v == 1f / 0.7f, $"mask value {v}"));
        Assert.NotEqual(a, b);
        // The mean of x * mask stays near 1: the 1/(1-p) scaling preserves the expectation.
        Assert.InRange(y.ToArray().Average(), 0.95, 1.05);
    }

    [Fact]
    public void ShapeMismatchAndBadRateAreRejected()
    {
        var backend = TestBackends.Get("cpu");
        using var s = new TensorScope(backend);
        var e = Assert.Throws<ArgumentException>(() => backend.Dropout(s.Zeros(3, 4), s.Zeros(3, 4), s.Zeros(5), 0.1f, 1, 0));
        Assert.Contains("dropout", e.Message);
        Assert.Contains("[3, 4]", e.Message);
        Assert.Contains("[5]", e.Message);
        e = Assert.Throws<ArgumentException>(() => backend.DropoutBackward(s.Zeros(2), s.Zeros(3), s.Zeros(2)));
        Assert.Contains("dropout-backward", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => backend.Dropout(s.Zeros(2), s.Zeros(2), s.Zeros(2), 1f, 1, 0));
    }
}
