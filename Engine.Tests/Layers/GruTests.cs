using RnnEngine.Engine.Layers;
using RnnEngine.Engine.Tests.Support;
using RnnEngine.Engine.Verification;
using Xunit;

namespace RnnEngine.Engine.Tests.Layers;

public class GruTests
{
    [Theory, LocalBackends, CudaBackend]
    public void GruCellMatchesReference(string device)
    {
        // h = 37 covers the cpu's two 16-wide chunks plus a scalar tail; the simulator gets a tiny h only.
        foreach (int h in device == "ilgpu-cpu" ? new[] { 5 } : new[] { 5, 37 }) CheckCell(device, 3, h);
    }

    private static void CheckCell(string device, int b, int h)
    {
        var backend = TestBackends.Get(device);
        double[] gx = Data.Uniform(1, b * 3 * h, -2, 2), gh = Data.Uniform(2, b * 3 * h, -2, 2), bi = Data.Uniform(3, 3 * h),
            bh = Data.Uniform(4, 3 * h), hp = Data.Uniform(5, b * h), dy = Data.Uniform(6, b * h), dhIn = Data.Uniform(7, b * h);
        double[] hn = new double[b * h], gates = new double[b * 4 * h], dgx = new double[b * 3 * h], dgh = new double[b * 3 * h];
        double[] dh = (double[])dhIn.Clone();
        Reference.GruCellForward(b, h, gx, gh, bi, bh, hp, hn, gates);
        Reference.GruCellBackward(b, h, dy, dh, hp, gates, dgx, dgh);

        using var s = new TensorScope(backend);
        var tGates = s.Zeros(b, 4 * h);
        var tHn = s.Zeros(b, h);
        var tHp = s.Of(Data.ToFloat(hp), b, h);
        backend.GruCellForward(s.Of(Data.ToFloat(gx), b, 3 * h), s.Of(Data.ToFloat(gh), b, 3 * h), s.Of(Data.ToFloat(bi), 3 * h),
            s.Of(Data.ToFloat(bh), 3 * h), tHp, tHn, tGates);
        Data.Close(hn, tHn.ToArray(), Tolerances.Transcendental, $"gru-cell h' on {device}");
        Data.Close(gates, tGates.ToArray(), Tolerances.Transcendental, $"gru-cell gates on {device}");

        var tDh = s.Of(Data.ToFloat(dhIn), b, h);
        var tDgx = s.Zeros(b, 3 * h);
        var tDgh = s.Zeros(b, 3 * h);
        backend.GruCellBackward(s.Of(Data.ToFloat(dy), b, h), tDh, tHp, s.Of(Data.ToFloat(gates), b, 4 * h), tDgx, tDgh);
        Data.Close(dh, tDh.ToArray(), Tolerances.Transcendental, $"gru-cell dh on {device}");
        Data.Close(dgx, tDgx.ToArray(), Tolerances.Transcendental, $"gru-cell dgx on {device}");
        Data.Close(dgh, tDgh.ToArray(), Tolerances.Transcendental, $"gru-cell dgh on {device}");
    }

    [Theory, LocalBackends, CudaBackend]
    public void GradChecksPass(string device)
    {
        foreach (var check in GradCheckCatalog.Engine().Where(c => c.Name is "gru" or "gru-2layer"))
        {
            var r = check.Run(TestBackends.Get(device));
            Assert.True(r.Pass, $"{r.Name} on {device}: {r.Detail}");
        }
    }

    [Theory, LocalBackends, CudaBackend]
    public void ForwardWithoutH0MatchesReferenceAndStepMode(string device)
    {
        var backend = TestBackends.Get(device);
        const int t = 3, b = 2, f = 4, h = 3, layers = 2;
        using var gru = new Gru(backend, f, h, layers, seed: 11);
        double[] x = Data.Uniform(8, t * b * f);
        var weights = new double[layers][][];
        for (int l = 0; l < layers; l++)
            weights[l] = Enumerable.Range(0, 4).Select(p => Data.ToDouble(gru.Parameters[4 * l + p].Value.ToArray())).ToArray();
        double[] y = new double[t * b * h], hN = new double[layers * b * h];
        Reference.Gru(t, b, f, h, layers, x, ReadOnlySpan<double>.Empty, weights, y, hN);

        using var s = new TensorScope(backend);
        var xs = s.Of(Data.ToFloat(x), t, b, f);
        var ty = s.Zeros(t, b, h);
        var thN = s.Zeros(layers, b, h);
        gru.Forward(xs, null, ty, thN, training: false);
        Data.Close(y, ty.ToArray(), Tolerances.CheckForward, $"gru y on {device}");
        Data.Close(hN, thN.ToArray(), Tolerances.CheckForward, $"gru hN on {device}");

        // Step mode from a zero state reproduces every output step and ends in hN.
        var state = s.Zeros(layers, b, h);
        var yStep = s.Zeros(b, h);
        for (int i = 0; i < t; i++)
        {
            gru.Step(xs.At(i), state, yStep);
            Data.Close(y.AsSpan(i * b * h, b * h).ToArray(), yStep.ToArray(), Tolerances.CheckForward, $"gru step {i} on {device}");
        }
        Data.Close(hN, state.ToArray(), Tolerances.CheckForward, $"gru step state on {device}");
    }

    [Fact]
    public void InitialisationIsSeededAndBounded()
    {
        var backend = TestBackends.Get("cpu");
        using var a = new Gru(backend, 3, 4, 2, seed: 5);
        using var b = new Gru(backend, 3, 4, 2, seed: 5);
        using var c = new Gru(backend, 3, 4, 2, seed: 6);
        Assert.Equal(8, a.Parameters.Count);
        Assert.Equal(["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"], a.Parameters.Take(4).Select(p => p.Name));
        for (int p = 0; p < a.Parameters.Count; p++)
        {
            float[] va = a.Parameters[p].Value.ToArray();
            Assert.Equal(va, b.Parameters[p].Value.ToArray());
            Assert.NotEqual(va, c.Parameters[p].Value.ToArray());
            Assert.All(va, v => Assert.InRange(v, -0.5f, 0.5f));
        }
    }

    [Fact]
    public void BadShapesThrowNamingLayerAndShapes()
    {
        var backend = TestBackends.Get("cpu");
        using var gru = new Gru(backend, 3, 4, 2);
        using var s = new TensorScope(backend);
        var e = Assert.Throws<ArgumentException>(() => gru.Forward(s.Zeros(5, 2, 7), null, s.Zeros(5, 2, 4), null, false));
        Assert.Contains("gru", e.Message);
        Assert.Contains("[5, 2, 7]", e.Message);
        e = Assert.Throws<ArgumentException>(() => gru.Forward(s.Zeros(0, 2, 3), null, s.Zeros(0, 2, 4), null, false));
        Assert.Contains("[0, 2, 3]", e.Message);
        e = Assert.Throws<ArgumentException>(() => gru.Forward(s.Zeros(5, 2, 3), s.Zeros(1, 2, 4), s.Zeros(5, 2, 4), null, false));
        Assert.Contains("h0", e.Message);
        Assert.Contains("[1, 2, 4]", e.Message);
        e = Assert.Throws<ArgumentException>(() => gru.Step(s.Zeros(2, 3), s.Zeros(2, 3, 4), s.Zeros(2, 4)));
        Assert.Contains("gru step", e.Message);
        Assert.Contains("[2, 3, 4]", e.Message);
        Assert.Throws<InvalidOperationException>(() => new Gru(backend, 3, 4).Backward(s.Zeros(5, 2, 4), null, null, null));
    }
}
