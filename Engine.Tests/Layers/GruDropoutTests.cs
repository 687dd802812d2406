using RnnEngine.Engine.Layers;
using RnnEngine.Engine.Rng;
using RnnEngine.Engine.Tests.Support;
using RnnEngine.Engine.Verification;
using Xunit;

namespace RnnEngine.Engine.Tests.Layers;

/// <summary>
/// A 2-layer GRU with dropout 0.4 between the layers, checked by finite differences against a float64 reference that
/// applies the same mask (CounterRng at (seed, i): the first forward of a fresh layer starts at offset 0).
/// </summary>
public sealed class GruDropoutCheck : GradCheck
{
    private const int T = 4, B = 2, F = 3, H = 3;
    private const float P = 0.4f;
    private const ulong Seed = 21;

    public override string Name => "gru-2layer-dropout";

    public override Tolerances.Tol GradientTolerance => Tolerances.RecurrentGradient;

    protected override CheckInput[] MakeInputs(Random rng)
    {
        var list = new List<CheckInput> { new("x", Uniform(rng, T * B * F), [T, B, F]), new("h0", Uniform(rng, 2 * B * H), [2, B, H]) };
        for (int l = 0; l < 2; l++)
        {
            int inSize = l == 0 ? F : H;
            list.Add(new($"weight_ih_l{l}", Uniform(rng, 3 * H * inSize, -0.7, 0.7), [3 * H, inSize]));
            list.Add(new($"weight_hh_l{l}", Uniform(rng, 3 * H * H, -0.7, 0.7), [3 * H, H]));
            list.Add(new($"bias_ih_l{l}", Uniform(rng, 3 * H, -0.5, 0.5), [3 * H]));
            list.Add(new($"bias_hh_l{l}", Uniform(rng, 3 * H, -0.5, 0.5), [3 * H]));
        }
        return [.. list];
    }

    public static double[] Mask()
    {
        var m = new double[T * B * H];
        for (int i = 0; i < m.Length; i++) m[i] = CounterRng.Uniform(Seed, (ulong)i) < P ? 0 : 1f / (1f - P);
        return m;
    }

    protected override double[] ReferenceForward(double[][] x)
    {
        var y0 = new double[T * B * H];
        var outp = new double[T * B * H + 2 * B * H];
        Reference.Gru(T, B, F, H, 1, x[0], x[1].AsSpan(0, B * H), [[x[2], x[3], x[4], x[5]]], y0, outp.AsSpan(T * B * H, B * H));
        double[] mask = Mask();
        for (int i = 0; i < y0.Length; i++) y0[i] *= mask[i];
        Reference.Gru(T, B, H, H, 1, y0, x[1].AsSpan(B * H), [[x[6], x[7], x[8], x[9]]], outp.AsSpan(0, T * B * H),
            outp.AsSpan(T * B * H + B * H));
        return outp;
    }

    protected override (float[] Output, float[]?[] Gradients) Analytic(Backend backend, float[][] x, float[] dOut) =>
        WithTensors(backend, s =>
        {
            using var gru = new Gru(backend, F, H, 2, P, Seed);
            for (int p = 0; p < gru.Parameters.Count; p++) gru.Parameters[p].Value.CopyFrom(x[2 + p]);
            var y = s.Zeros(T, B, H);
            var hN = s.Zeros(2, B, H);
            gru.Forward(s.Of(x[0], T, B, F), s.Of(x[1], 2, B, H), y, hN, training: true);
            var dx = s.Zeros(T, B, F);
            var dh0 = s.Zeros(2, B, H);
            gru.Backward(s.Of(dOut[..(T * B * H)], T, B, H), s.Of(dOut[(T * B * H)..], 2, B, H), dx, dh0);
            var grads = new List<float[]?> { dx.ToArray(), dh0.ToArray() };
            grads.AddRange(gru.Parameters.Select(p => p.Grad.ToArray()));
            return ((float[])[.. y.ToArray(), .. hN.ToArray()], grads.ToArray());
        });
}

public class GruDropoutTests
{
    [Theory, LocalBackends, CudaBackend]
    public void DropoutBetweenLayersPassesGradCheck(string device)
    {
        double[] mask = GruDropoutCheck.Mask();
        Assert.Contains(mask, m => m == 0);
        Assert.Contains(mask, m => m > 1);
        var r = new GruDropoutCheck().Run(TestBackends.Get(device));
        Assert.True(r.Pass, $"{r.Name} on {device}: {r.Detail}");
    }

    [Fact]
    public void InferenceModeDoesNotDrop()
    {
        var backend = TestBackends.Get("cpu");
        using var a = new Gru(backend, 3, 4, 2, dropout: 0.5f, seed: 1);
        using var b = new Gru(backend, 3, 4, 2, dropout: 0f, seed: 1);
        using var s = new TensorScope(backend);
        var x = s.Of(Data.ToFloat(Data.Uniform(1, 5 * 2 * 3)), 5, 2, 3);
        var ya = s.Zeros(5, 2, 4);
        var yb = s.Zeros(5, 2, 4);
        a.Forward(x, null, ya, null, training: false);
        b.Forward(x, null, yb, null, training: true);
        Assert.Equal(yb.ToArray(), ya.ToArray());
        a.Forward(x, null, ya, null, training: true);
        Assert.NotEqual(yb.ToArray(), ya.ToArray());
    }
}
