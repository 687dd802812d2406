using RnnEngine.Engine.Layers;
using RnnEngine.Engine.Tests.Support;
using RnnEngine.Engine.Verification;
using Xunit;

namespace RnnEngine.Engine.Tests.Layers;

public class AttentionTests
{
    [Theory, LocalBackends, CudaBackend]
    public void AdditiveAttentionOpMatchesReference(string device)
    {
        var backend = TestBackends.Get(device);
        // On cpu, a and h above 16 cover the Vector512 chunks and the scalar tails; the simulator gets tiny sizes.
        const int t = 5, b = 3;
        int a = device == "ilgpu-cpu" ? 4 : 21, h = device == "ilgpu-cpu" ? 6 : 19;
        double[] keys = Data.Uniform(1, t * b * a), q = Data.Uniform(2, b * a), v = Data.Uniform(3, a), values = Data.Uniform(4, t * b * h);
        double[] dc = Data.Uniform(5, b * h), dkIn = Data.Uniform(6, t * b * a), dvIn = Data.Uniform(7, t * b * h);
        double[] mask = Enumerable.Repeat(1.0, t * b).ToArray();
        mask[4 * b + 0] = 0; mask[1 * b + 0] = 0;                          // row 0: two padded steps
        for (int s = 0; s < t; s++) mask[s * b + 2] = 0;                   // row 2: nothing to attend
        double[] th = new double[t * b * a], w = new double[t * b], ctx = new double[b * h];
        Reference.AdditiveAttentionForward(t, b, a, h, keys, q, v, mask, values, th, w, ctx);
        double[] de = new double[t * b], dq = new double[b * a], dk = (double[])dkIn.Clone(), dv = (double[])dvIn.Clone();
        Reference.AdditiveAttentionBackward(t, b, a, h, values, w, th, v, dc, de, dq, dk, dv);
        Assert.Equal(0.0, w[4 * b]);
        Assert.Equal(1.0, w[0] + w[2 * b] + w[3 * b], 12);
        Assert.All(ctx.AsSpan(2 * h, h).ToArray(), c => Assert.Equal(0.0, c));

        using var sc = new TensorScope(backend);
        var tTh = sc.Zeros(t, b, a);
        var tW = sc.Zeros(t, b);
        var tCtx = sc.Zeros(b, h);
        var tValues = sc.Of(Data.ToFloat(values), t, b, h);
        var tV = sc.Of(Data.ToFloat(v), a);
        backend.AdditiveAttentionForward(sc.Of(Data.ToFloat(keys), t, b, a), sc.Of(Data.ToFloat(q), b, a), tV,
            sc.Of(Data.ToFloat(mask), t, b), tValues, tTh, tW, tCtx);
        Data.Close(th, tTh.ToArray(), Tolerances.Transcendental, $"attention tanh on {device}");
        Data.Close(w, tW.ToArray(), Tolerances.Reduction, $"attention weights on {device}");
        Data.Close(ctx, tCtx.ToArray(), Tolerances.Reduction, $"attention context on {device}");
        // Inference form: no tanh saved, the same weights and context.
        var tW2 = sc.Zeros(t, b);
        var tCtx2 = sc.Zeros(b, h);
        backend.AdditiveAttentionForward(sc.Of(Data.ToFloat(keys), t, b, a), sc.Of(Data.ToFloat(q), b, a), tV,
            sc.Of(Data.ToFloat(mask), t, b), tValues, null, tW2, tCtx2);
        Assert.Equal(tW.ToArray(), tW2.ToArray());
        Assert.Equal(tCtx.ToArray(), tCtx2.ToArray());

        var tDe = sc.Zeros(t, b);
        var tDq = sc.Zeros(b, a);
        var tDk = sc.Of(Data.ToFloat(dkIn), t, b, a);
        var tDv = sc.Of(Data.ToFloat(dvIn), t, b, h);
        backend.AdditiveAttentionBackward(tValues, tW, tTh, tV, sc.Of(Data.ToFloat(dc), b, h), tDe, tDq, tDk, tDv);
        Data.Close(de, tDe.ToArray(), Tolerances.Reduction, $"attention dScores on {device}");
        Data.Close(dq, tDq.ToArray(), Tolerances.Reduction, $"attention dQuery on {device}");
        Data.Close(dk, tDk.ToArray(), Tolerances.Reduction, $"attention dKeys on {device}");
        Data.Close(dv, tDv.ToArray(), Tolerances.Reduction, $"attention dValues on {device}");
    }

    [Theory, LocalBackends, CudaBackend]
    public void GradCheckPasses(string device)
    {
        var r = GradCheckCatalog.Engine().Single(c => c.Name == "attention").Run(TestBackends.Get(device));
        Assert.True(r.Pass, $"{r.Name} on {device}: {r.Detail}");
    }

    [Fact]
    public void BadShapesThrowNamingLayerAndShapes()
    {
        var backend = TestBackends.Get("cpu");
        using var attn = new BahdanauAttention(backend, 4, 3, 5);
        using var s = new TensorScope(backend);
        var e = Assert.Throws<ArgumentException>(() => attn.SetEncoder(s.Zeros(3, 2, 6), null, 1));
        Assert.Contains("attention", e.Message);
        Assert.Contains("[3, 2, 6]", e.Message);
        e = Assert.Throws<ArgumentException>(() => attn.SetEncoder(s.Zeros(0, 2, 4), null, 1));
        Assert.Contains("[0, 2, 4]", e.Message);
        e = Assert.Throws<ArgumentException>(() => attn.SetEncoder(s.Zeros(3, 2, 4), s.Zeros(2, 3), 1));
        Assert.Contains("mask", e.Message);
        attn.SetEncoder(s.Zeros(3, 2, 4), null, 2);
        e = Assert.Throws<ArgumentException>(() => attn.Forward(0, s.Zeros(2, 4), s.Zeros(2, 4)));
        Assert.Contains("query", e.Message);
        Assert.Contains("[2, 4]", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => attn.Forward(2, s.Zeros(2, 3), s.Zeros(2, 4)));
    }
}
