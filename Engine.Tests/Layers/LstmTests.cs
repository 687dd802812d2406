using System.Text.Json;
using RnnEngine.Engine.Layers;
using RnnEngine.Engine.Tensors;
using RnnEngine.Engine.Tests.Support;
using RnnEngine.Engine.Verification;
using Xunit;

namespace RnnEngine.Engine.Tests.Layers;

public class LstmTests
{
    [Theory, LocalBackends, CudaBackend]
    public void GradChecksPass(string device)
    {
        foreach (string name in new[] { "lstm", "lstm-peephole", "lstm-2layer", "lstm-2layer-dropout" })
        {
            var check = GradCheckCatalog.Engine().Single(c => c.Name == name);
            var r = check.Run(TestBackends.Get(device));
            Assert.True(r.Pass, $"{r.Name} on {device}: {r.Detail}");
        }
    }

    public static IEnumerable<object[]> FixtureRows()
    {
        foreach (string fixture in new[] { "lstm_1layer", "lstm_2layer", "lstm_peephole" })
        foreach (string device in new[] { "cpu", "ilgpu-cpu" })
            yield return [fixture, device];
    }

    /// <summary>PyTorch (float64 on float32 inputs) against the engine: outputs, final states and every gradient.</summary>
    [Theory, MemberData(nameof(FixtureRows))]
    public void MatchesPyTorchFixture(string fixture, string device)
    {
        var backend = TestBackends.Get(device);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", fixture + ".json")));
        var config = doc.RootElement.GetProperty("config");
        int t = config.GetProperty("T").GetInt32(), b = config.GetProperty("B").GetInt32();
        int f = config.GetProperty("F").GetInt32(), h = config.GetProperty("H").GetInt32();
        int layers = config.GetProperty("layers").GetInt32();
        bool peephole = config.GetProperty("peephole").GetBoolean();
        var tensors = doc.RootElement.GetProperty("tensors");
        double[] Get(string name) => tensors.GetProperty(name).GetProperty("data").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        float[] GetF(string name) => Data.ToFloat(Get(name));

        using var s = new TensorScope(backend);
        using var lstm = new Lstm(backend, f, h, layers, peephole);
        string[] names = doc.RootElement.GetProperty("parameters").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Equal(names, lstm.Parameters.Select(p => p.Name).ToArray());
        foreach (var p in lstm.Parameters) p.Value.CopyFrom(GetF(p.Name));

        var y = s.Zeros(t, b, h);
        var hN = s.Zeros(layers, b, h);
        var cN = s.Zeros(layers, b, h);
        lstm.Forward(s.Of(GetF("x"), t, b, f), s.Of(GetF("h0"), layers, b, h), s.Of(GetF("c0"), layers, b, h), y, hN, cN, training: true);
        var dx = s.Zeros(t, b, f);
        var dh0 = s.Zeros(layers, b, h);
        var dc0 = s.Zeros(layers, b, h);
        lstm.Backward(s.Of(GetF("dy"), t, b, h), s.Of(GetF("dhN"), layers, b, h), s.Of(GetF("dcN"), layers, b, h), dx, dh0, dc0);

        string at = $"{fixture} on {device}";
        Data.Close(Get("y"), y.ToArray(), Tolerances.TorchFixture, $"y ({at})");
        Data.Close(Get("hN"), hN.ToArray(), Tolerances.TorchFixture, $"hN ({at})");
        Data.Close(Get("cN"), cN.ToArray(), Tolerances.TorchFixture, $"cN ({at})");
        Data.Close(Get("grad_x"), dx.ToArray(), Tolerances.TorchFixture, $"dx ({at})");
        Data.Close(Get("grad_h0"), dh0.ToArray(), Tolerances.TorchFixture, $"dh0 ({at})");
        Data.Close(Get("grad_c0"), dc0.ToArray(), Tolerances.TorchFixture, $"dc0 ({at})");
        foreach (var p in lstm.Parameters)
            Data.Close(Get("grad_" + p.Name), p.Grad.ToArray(), Tolerances.TorchFixture, $"d{p.Name} ({at})");
    }

    /// <summary>Forward of the layer against the float64 reference, with and without peepholes, zero and given states.</summary>
    [Theory, LocalBackends, CudaBackend]
    public void ForwardMatchesReference(string device)
    {
        var backend = TestBackends.Get(device);
        // H = 20 covers the cpu's 16-wide chunk plus its scalar tail; the simulator gets a tiny H (slow launches).
        const int t = 5, b = 3, f = 4, layers = 2;
        int h = device == "ilgpu-cpu" ? 6 : 20;
        foreach (bool peephole in new[] { false, true })
        foreach (bool withState in new[] { false, true })
        {
            using var s = new TensorScope(backend);
            using var lstm = new Lstm(backend, f, h, layers, peephole, seed: 11);
            double[] x = Data.Uniform(1, t * b * f), h0 = Data.Uniform(2, layers * b * h), c0 = Data.Uniform(3, layers * b * h);
            var parameters = lstm.Parameters.Select(p => Data.ToDouble(p.Value.ToArray())).ToList();
            var yRef = new double[t * b * h];
            var hRef = new double[layers * b * h];
            var cRef = new double[layers * b * h];
            Reference.LstmForward(t, b, f, h, layers, peephole, x, withState ? h0 : [], withState ? c0 : [], parameters, yRef, hRef, cRef);

            var y = s.Zeros(t, b, h);
            var hN = s.Zeros(layers, b, h);
            var cN = s.Zeros(layers, b, h);
            lstm.Forward(s.Of(Data.ToFloat(x), t, b, f), withState ? s.Of(Data.ToFloat(h0), layers, b, h) : null,
                withState ? s.Of(Data.ToFloat(c0), layers, b, h) : null, y, hN, cN, training: false);
            string at = $"{device} peephole={peephole} state={withState}";
            Data.Close(yRef, y.ToArray(), Tolerances.CheckForward, "y " + at);
            Data.Close(hRef, hN.ToArray(), Tolerances.CheckForward, "hN " + at);
            Data.Close(cRef, cN.ToArray(), Tolerances.CheckForward, "cN " + at);
        }
    }

    private static (float[] Y, float[] HN, float[] CN, float[] Dx, float[] Dh0, float[] Dc0, float[][] Grads) RunOnce(
        Backend backend, ulong seed, int t, int b, int f, int h, int layers, bool peephole)
    {
        using var s = new TensorScope(backend);
        using var lstm = new Lstm(backend, f, h, layers, peephole, seed: seed);
        var y = s.Zeros(t, b, h);
        var hN = s.Zeros(layers, b, h);
        var cN = s.Zeros(layers, b, h);
        lstm.Forward(s.Of(Data.ToFloat(Data.Uniform(1, t * b * f)), t, b, f), s.Of(Data.ToFloat(Data.Uniform(2, layers * b * h)), layers, b, h),
            s.Of(Data.ToFloat(Data.Uniform(3, layers * b * h)), layers, b, h), y, hN, cN, training: true);
        var dx = s.Zeros(t, b, f);
        var dh0 = s.Zeros(layers, b, h);
        var dc0 = s.Zeros(layers, b, h);
        lstm.Backward(s.Of(Data.ToFloat(Data.Uniform(4, t * b * h)), t, b, h), null, null, dx, dh0, dc0);
        return (y.ToArray(), hN.ToArray(), cN.ToArray(), dx.ToArray(), dh0.ToArray(), dc0.ToArray(),
            lstm.Parameters.Select(p => p.Grad.ToArray()).ToArray());
    }

    /// <summary>Same seed, same inputs: bit-identical outputs and gradients on cpu (shapes big enough for the parallel paths).</summary>
    [Fact]
    public void SameSeedTwiceIsBitIdenticalOnCpu()
    {
        var backend = TestBackends.Get("cpu");
        var first = RunOnce(backend, 42, 6, 64, 24, 144, 2, true);
        var second = RunOnce(backend, 42, 6, 64, 24, 144, 2, true);
        Assert.Equal(first.Y, second.Y);
        Assert.Equal(first.HN, second.HN);
        Assert.Equal(first.CN, second.CN);
        Assert.Equal(first.Dx, second.Dx);
        Assert.Equal(first.Dh0, second.Dh0);
        Assert.Equal(first.Dc0, second.Dc0);
        for (int p = 0; p < first.Grads.Length; p++) Assert.Equal(first.Grads[p], second.Grads[p]);
        // A different seed gives different weights, so the comparison above is not vacuous.
        Assert.NotEqual(first.Y, RunOnce(backend, 43, 6, 64, 24, 144, 2, true).Y);
    }

    /// <summary>Running Step() T times from (h0, c0) gives the full-sequence Forward's outputs and final states.</summary>
    [Theory, LocalBackends, CudaBackend]
    public void StepChainEqualsForward(string device)
    {
        var backend = TestBackends.Get(device);
        const int t = 4, b = 2, f = 3, layers = 2;
        int h = device == "ilgpu-cpu" ? 6 : 18;
        using var s = new TensorScope(backend);
        using var lstm = new Lstm(backend, f, h, layers, peephole: true, seed: 5);
        float[] x = Data.ToFloat(Data.Uniform(1, t * b * f)), h0 = Data.ToFloat(Data.Uniform(2, layers * b * h)), c0 = Data.ToFloat(Data.Uniform(3, layers * b * h));
        var y = s.Zeros(t, b, h);
        var hN = s.Zeros(layers, b, h);
        var cN = s.Zeros(layers, b, h);
        lstm.Forward(s.Of(x, t, b, f), s.Of(h0, layers, b, h), s.Of(c0, layers, b, h), y, hN, cN, training: false);

        var hs = s.Of(h0, layers, b, h);
        var cs = s.Of(c0, layers, b, h);
        var xs = s.Of(x, t, b, f);
        var ys = s.Zeros(b, h);
        var tight = new Tolerances.Tol(1e-6, 1e-6);
        float[] yAll = y.ToArray();
        for (int step = 0; step < t; step++)
        {
            lstm.Step(xs.At(step), hs, cs, ys);
            Data.Close(Data.ToDouble(yAll[(step * b * h)..((step + 1) * b * h)]), ys.ToArray(), tight, $"y[{step}] on {device}");
        }
        Data.Close(Data.ToDouble(hN.ToArray()), hs.ToArray(), tight, $"hN on {device}");
        Data.Close(Data.ToDouble(cN.ToArray()), cs.ToArray(), tight, $"cN on {device}");
    }

    /// <summary>Dropout between layers: off in evaluation (same as no dropout), on in training, a fresh mask every forward.</summary>
    [Fact]
    public void DropoutOnlyWhenTrainingAndFreshPerForward()
    {
        var backend = TestBackends.Get("cpu");
        const int t = 3, b = 2, f = 3, h = 8;
        using var s = new TensorScope(backend);
        using var withDropout = new Lstm(backend, f, h, 2, dropout: 0.5f, seed: 3);
        using var without = new Lstm(backend, f, h, 2, seed: 3);
        var x = s.Of(Data.ToFloat(Data.Uniform(1, t * b * f)), t, b, f);
        float[] Run(Lstm lstm, bool training)
        {
            var y = s.Zeros(t, b, h);
            lstm.Forward(x, null, null, y, null, null, training);
            return y.ToArray();
        }
        float[] plain = Run(without, true);
        Assert.Equal(plain, Run(withDropout, false));
        float[] first = Run(withDropout, true), second = Run(withDropout, true);
        Assert.NotEqual(plain, first);
        Assert.NotEqual(first, second);
        Assert.Equal(plain, Run(withDropout, false));
    }

    [Fact]
    public void BackwardAccumulatesParameterGradients()
    {
        var backend = TestBackends.Get("cpu");
        using var s = new TensorScope(backend);
        using var lstm = new Lstm(backend, 3, 4, 1, seed: 1);
        var x = s.Of(Data.ToFloat(Data.Uniform(1, 2 * 2 * 3)), 2, 2, 3);
        var y = s.Zeros(2, 2, 4);
        var dy = s.Of(Data.ToFloat(Data.Uniform(2, 2 * 2 * 4)), 2, 2, 4);
        lstm.Forward(x, null, null, y, null, null, training: true);
        lstm.Backward(dy, null, null, null, null, null);
        float[][] once = lstm.Parameters.Select(p => p.Grad.ToArray()).ToArray();
        lstm.Backward(dy, null, null, null, null, null);
        // The GEMMs add term by term into the gradient, so twice is 2x only up to float32 rounding.
        for (int p = 0; p < once.Length; p++)
            Data.Close(once[p].Select(v => 2.0 * v).ToArray(), lstm.Parameters[p].Grad.ToArray(), new Tolerances.Tol(1e-6, 1e-5),
                lstm.Parameters[p].Name);
    }

    [Fact]
    public void BadInputNamesLayerAndShapes()
    {
        var backend = TestBackends.Get("cpu");
        using var s = new TensorScope(backend);
        using var lstm = new Lstm(backend, 3, 4, 2);
        void Throws(Action a, params string[] parts)
        {
            var e = Assert.ThrowsAny<ArgumentException>(a);
            Assert.Contains("lstm", e.Message);
            foreach (string part in parts) Assert.Contains(part, e.Message);
        }
        // Wrong input width.
        Throws(() => lstm.Forward(s.Zeros(5, 2, 7), null, null, s.Zeros(5, 2, 4), null, null, false), "[5, 2, 7]", "3]");
        // T = 0.
        Throws(() => lstm.Forward(s.Zeros(0, 2, 3), null, null, s.Zeros(0, 2, 4), null, null, false), "[0, 2, 3]");
        // State shapes that do not match [L, B, H].
        Throws(() => lstm.Forward(s.Zeros(5, 2, 3), s.Zeros(1, 2, 4), null, s.Zeros(5, 2, 4), null, null, false), "h0", "[1, 2, 4]", "[2, 2, 4]");
        Throws(() => lstm.Forward(s.Zeros(5, 2, 3), null, s.Zeros(2, 3, 4), s.Zeros(5, 2, 4), null, null, false), "c0", "[2, 3, 4]", "[2, 2, 4]");
        Throws(() => lstm.Forward(s.Zeros(5, 2, 3), null, null, s.Zeros(5, 2, 5), null, null, false), "y", "[5, 2, 5]");
        Throws(() => lstm.Step(s.Zeros(2, 3), s.Zeros(2, 2, 4), s.Zeros(2, 2, 5), s.Zeros(2, 4)), "c", "[2, 2, 5]");
        lstm.Forward(s.Zeros(5, 2, 3), null, null, s.Zeros(5, 2, 4), null, null, false);
        Throws(() => lstm.Backward(s.Zeros(4, 2, 4), null, null, null, null, null), "dy", "[4, 2, 4]", "[5, 2, 4]");
    }
}
