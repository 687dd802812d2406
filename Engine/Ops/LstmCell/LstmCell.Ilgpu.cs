using ILGPU;
using ILGPU.Runtime;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

/// <summary>Sizes and switches of the LSTM cell kernels. Absent tensors are replaced by a dummy view and a 0 flag.</summary>
internal readonly record struct LstmCellArgs(int B, int H, int HasPeephole, int HasDhExtra, int HasDcNext);

public sealed partial class IlgpuBackend
{
    // v1: one thread per (row, unit), implicit grouping; the peephole gradient is a second kernel with one thread per
    // unit looping over the rows, so the batch sum has a fixed order and needs no atomics.
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, LstmCellArgs>? lstmForward;
    private Action<Index1D, LstmBackwardViews, ArrayView<float>, ArrayView<float>, LstmCellArgs>? lstmBackward;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, LstmCellArgs>? lstmPeepholeGrad;

    protected override void LstmCellForwardCore(int b, int hidden, Tensor gates, Tensor cPrev, Tensor? peephole,
        Tensor h, Tensor c, Tensor act)
    {
        lstmForward ??= LoadAutoKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, LstmCellArgs>(LstmForwardKernel);
        lstmForward(b * hidden, gates.View, cPrev.View, (peephole ?? cPrev).View, h.View, c.View, act.View,
            new LstmCellArgs(b, hidden, peephole is null ? 0 : 1, 0, 0));
    }

    protected override void LstmCellBackwardCore(int b, int hidden, Tensor act, Tensor cPrev, Tensor c, Tensor? peephole,
        Tensor dh, Tensor? dhExtra, Tensor? dcNext, Tensor dGates, Tensor dcPrev, Tensor? dPeephole)
    {
        lstmBackward ??= LoadAutoKernel<Index1D, LstmBackwardViews, ArrayView<float>, ArrayView<float>,
            LstmCellArgs>(LstmBackwardKernel);
        var args = new LstmCellArgs(b, hidden, peephole is null ? 0 : 1, dhExtra is null ? 0 : 1, dcNext is null ? 0 : 1);
        var views = new LstmBackwardViews(act.View, cPrev.View, c.View, (peephole ?? c).View, dh.View, (dhExtra ?? dh).View,
            (dcNext ?? dh).View);
        lstmBackward(b * hidden, views, dGates.View, dcPrev.View, args);
        if (dPeephole is not null)
        {
            lstmPeepholeGrad ??= LoadAutoKernel<Index1D, ArrayView<float>, ArrayView<float>,
                ArrayView<float>, ArrayView<float>, LstmCellArgs>(LstmPeepholeGradKernel);
            lstmPeepholeGrad(hidden, dGates.View, cPrev.View, c.View, dPeephole.View, args);
        }
    }

    private static void LstmForwardKernel(Index1D index, ArrayView<float> gates, ArrayView<float> cPrev, ArrayView<float> peep,
        ArrayView<float> h, ArrayView<float> c, ArrayView<float> act, LstmCellArgs p)
    {
        int k = index;
        int r = k / p.H, j = k - r * p.H;
        int g0 = r * 4 * p.H + j;
        float cp = cPrev[k];
        float ai = gates[g0], af = gates[g0 + p.H], ag = gates[g0 + 2 * p.H], ao = gates[g0 + 3 * p.H];
        if (p.HasPeephole != 0) { ai += peep[j] * cp; af += peep[p.H + j] * cp; }
        float i = ActivationMath.Sigmoid(ai), f = ActivationMath.Sigmoid(af), g = ActivationMath.Tanh(ag);
        float cn = f * cp + i * g;
        if (p.HasPeephole != 0) ao += peep[2 * p.H + j] * cn;
        float o = ActivationMath.Sigmoid(ao);
        act[g0] = i; act[g0 + p.H] = f; act[g0 + 2 * p.H] = g; act[g0 + 3 * p.H] = o;
        c[k] = cn;
        h[k] = o * ActivationMath.Tanh(cn);
    }

    private static void LstmBackwardKernel(Index1D index, LstmBackwardViews v, ArrayView<float> dGates, ArrayView<float> dcPrev,
        LstmCellArgs p)
    {
        int k = index;
        int r = k / p.H, j = k - r * p.H;
        int g0 = r * 4 * p.H + j;
        float i = v.Act[g0], f = v.Act[g0 + p.H], g = v.Act[g0 + 2 * p.H], o = v.Act[g0 + 3 * p.H];
        float dhv = v.Dh[k];
        if (p.HasDhExtra != 0) dhv += v.DhExtra[k];
        float tc = ActivationMath.Tanh(v.C[k]);
        float dao = dhv * tc * o * (1f - o);
        float dc = dhv * o * (1f - tc * tc);
        if (p.HasDcNext != 0) dc += v.DcNext[k];
        if (p.HasPeephole != 0) dc += dao * v.Peep[2 * p.H + j];
        float dai = dc * g * i * (1f - i);
        float daf = dc * v.CPrev[k] * f * (1f - f);
        float dag = dc * i * (1f - g * g);
        float dcp = dc * f;
        if (p.HasPeephole != 0) dcp += dai * v.Peep[j] + daf * v.Peep[p.H + j];
        dGates[g0] = dai; dGates[g0 + p.H] = daf; dGates[g0 + 2 * p.H] = dag; dGates[g0 + 3 * p.H] = dao;
        dcPrev[k] = dcp;
    }

    private static void LstmPeepholeGradKernel(Index1D index, ArrayView<float> dGates, ArrayView<float> cPrev,
        ArrayView<float> c, ArrayView<float> dPeep, LstmCellArgs p)
    {
        int j = index;
        float si = 0f, sf = 0f, so = 0f;
        for (int r = 0; r < p.B; r++)
        {
            int g0 = r * 4 * p.H + j, k = r * p.H + j;
            si += dGates[g0] * cPrev[k];
            sf += dGates[g0 + p.H] * cPrev[k];
            so += dGates[g0 + 3 * p.H] * c[k];
        }
        dPeep[j] += si;
        dPeep[p.H + j] += sf;
        dPeep[2 * p.H + j] += so;
    }
}

/// <summary>The read-only inputs of the backward kernel, bundled to stay within the launcher's parameter count.</summary>
internal readonly struct LstmBackwardViews(ArrayView<float> act, ArrayView<float> cPrev, ArrayView<float> c,
    ArrayView<float> peep, ArrayView<float> dh, ArrayView<float> dhExtra, ArrayView<float> dcNext)
{
    public readonly ArrayView<float> Act = act, CPrev = cPrev, C = c, Peep = peep, Dh = dh, DhExtra = dhExtra, DcNext = dcNext;
}
