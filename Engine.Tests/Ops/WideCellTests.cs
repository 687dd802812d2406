using RnnEngine.Engine.Tests.Support;
using RnnEngine.Engine.Verification;
using Xunit;

namespace RnnEngine.Engine.Tests.Ops;

/// <summary>
/// The GRU cell and additive attention at widths of 16 and more: the cpu backend's Vector512 bodies run there (the
/// layer tests use widths below 16, which only reach the scalar tails). 36 = two vectors + a 4-unit tail.
/// </summary>
public class WideCellTests
{
    [Theory, LocalBackends, CudaBackend]
    public void WideGruCellMatchesReference(string device)
    {
        var backend = TestBackends.Get(device);
        const int b = 3, h = 36;
        double[] gx = Data.Uniform(1, b * 3 * h, -3, 3), gh = Data.Uniform(2, b * 3 * h, -3, 3), bi = Data.Uniform(3, 3 * h),
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
        Data.Close(hn, tHn.ToArray(), Tolerances.Transcendental, $"wide gru-cell h' on {device}");
        Data.Close(gates, tGates.ToArray(), Tolerances.Transcendental, $"wide gru-cell gates on {device}");

        var tDh = s.Of(Data.ToFloat(dhIn), b, h);
        var tDgx = s.Zeros(b, 3 * h);
        var tDgh = s.Zeros(b, 3 * h);
        backend.GruCellBackward(s.Of(Data.ToFloat(dy), b, h), tDh, tHp, s.Of(Data.ToFloat(gates), b, 4 * h), tDgx, tDgh);
        Data.Close(dh, tDh.ToArray(), Tolerances.Transcendental, $"wide gru-cell dh on {device}");
        Data.Close(dgx, tDgx.ToArray(), Tolerances.Transcendental, $"wide gru-cell dgx on {device}");
        Data.Close(dgh, tDgh.ToArray(), Tolerances.Transcendental, $"wide gru-cell dgh on {device}");
    }

    [Theory, LocalBackends, CudaBackend]
    public void WideAdditiveAttentionMatchesReference(string device)
    {
        var backend = TestBackends.Get(device);
        const int t = 5, b = 3, a = 36, h = 20;
        double[] keys = Data.Uniform(1, t * b * a), q = Data.Uniform(2, b * a), v = Data.Uniform(3, a), values = Data.Uniform(4, t * b * h);
        double[] dc = Data.Uniform(5, b * h), dkIn = Data.Uniform(6, t * b * a), dvIn = Data.Uniform(7, t * b * h);
        double[] th = new double[t * b * a], w = new double[t * b], ctx = new double[b * h];
        Reference.AdditiveAttentionForward(t, b, a, h, keys, q, v, [], values, th, w, ctx);
        double[] de = new double[t * b], dq = new double[b * a], dk = (double[])dkIn.Clone(), dv = (double[])dvIn.Clone();
        Reference.AdditiveAttentionBackward(t, b, a, h, values, w, th, v, dc, de, dq, dk, dv);

        using var sc = new TensorScope(backend);
        var tTh = sc.Zeros(t, b, a);
        var tW = sc.Zeros(t, b);
        var tCtx = sc.Zeros(b, h);
        var tValues = sc.Of(Data.ToFloat(values), t, b, h);
        var tV = sc.Of(Data.ToFloat(v), a);
        backend.AdditiveAttentionForward(sc.Of(Data.ToFloat(keys), t, b, a), sc.Of(Data.ToFloat(q), b, a), tV, null, tValues, tTh, tW, tCtx);
        Data.Close(th, tTh.ToArray(), Tolerances.Transcendental, $"wide attention tanh on {device}");
        Data.Close(w, tW.ToArray(), Tolerances.Reduction, $"wide attention weights on {device}");
        Data.Close(ctx, tCtx.ToArray(), Tolerances.Reduction, $"wide attention context on {device}");

        var tDe = sc.Zeros(t, b);
        var tDq = sc.Zeros(b, a);
        var tDk = sc.Of(Data.ToFloat(dkIn), t, b, a);
        var tDv = sc.Of(Data.ToFloat(dvIn), t, b, h);
        backend.AdditiveAttentionBackward(tValues, tW, tTh, tV, sc.Of(Data.ToFloat(dc), b, h), tDe, tDq, tDk, tDv);
        Data.Close(de, tDe.ToArray(), Tolerances.Reduction, $"wide attention dScores on {device}");
        Data.Close(dq, tDq.ToArray(), Tolerances.Reduction, $"wide attention dQuery on {device}");
        Data.Close(dk, tDk.ToArray(), Tolerances.Reduction, $"wide attention dKeys on {device}");
        Data.Close(dv, tDv.ToArray(), Tolerances.Reduction, $"wide attention dValues on {device}");
    }
}
