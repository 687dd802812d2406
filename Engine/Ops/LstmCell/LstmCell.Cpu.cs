using System.Runtime.Intrinsics;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

public sealed partial class CpuBackend
{
    // Per-step pointwise work is small (B*H of 100..10^5), so rows go to other cores only when there are many of them.
    private const int CellParallelElements = 1 << 15;

    protected override void LstmCellForwardCore(int b, int hidden, Tensor gates, Tensor cPrev, Tensor? peephole,
        Tensor h, Tensor c, Tensor act)
    {
        float[] gd = gates.Host!, cpd = cPrev.Host!, hd = h.Host!, cd = c.Host!, ad = act.Host!;
        float[]? pd = peephole?.Host;
        int gOff = gates.Offset, cpOff = cPrev.Offset, hOff = h.Offset, cOff = c.Offset, aOff = act.Offset;
        int pOff = peephole?.Offset ?? 0;

        var rows = new LstmForwardRows(gd, gOff, cpd, cpOff, pd, pOff, hd, hOff, cd, cOff, ad, aOff, hidden, null);
        // The struct keeps the serial path allocation-free; only the parallel path boxes it into a delegate.
        if (b * hidden < CellParallelElements) { for (int r = 0; r < b; r++) rows.Row(r); }
        else ParallelFor(b, rows.Row);
    }

    protected override void LstmCellBackwardCore(int b, int hidden, Tensor act, Tensor cPrev, Tensor c, Tensor? peephole,
        Tensor dh, Tensor? dhExtra, Tensor? dcNext, Tensor dGates, Tensor dcPrev, Tensor? dPeephole)
    {
        float[] ad = act.Host!, cpd = cPrev.Host!, cd = c.Host!, dhd = dh.Host!, dgd = dGates.Host!, dcpd = dcPrev.Host!;
        float[]? pd = peephole?.Host, dxd = dhExtra?.Host, dnd = dcNext?.Host;
        int aOff = act.Offset, cpOff = cPrev.Offset, cOff = c.Offset, dhOff = dh.Offset, dgOff = dGates.Offset;
        int dcpOff = dcPrev.Offset, pOff = peephole?.Offset ?? 0, dxOff = dhExtra?.Offset ?? 0, dnOff = dcNext?.Offset ?? 0;

        var rows = new LstmBackwardRows(ad, aOff, cpd, cpOff, cd, cOff, pd, pOff, dhd, dhOff, dxd, dxOff, dnd, dnOff, dgd, dgOff,
            dcpd, dcpOff, hidden);
        if (b * hidden < CellParallelElements || dPeephole is not null) { for (int r = 0; r < b; r++) rows.Row(r); }
        else ParallelFor(b, rows.Row);

        // Peephole gradients sum over the batch; a second serial pass over the rows keeps the order fixed.
        if (dPeephole is not null)
        {
            Span<float> dp = dPeephole.Span;
            for (int r = 0; r < b; r++)
            {
                ReadOnlySpan<float> dg = dgd.AsSpan(dgOff + r * 4 * hidden, 4 * hidden);
                ReadOnlySpan<float> cpRow = cpd.AsSpan(cpOff + r * hidden, hidden), cRow = cd.AsSpan(cOff + r * hidden, hidden);
                LstmMulAdd(dg[..hidden], cpRow, dp[..hidden]);
                LstmMulAdd(dg.Slice(hidden, hidden), cpRow, dp.Slice(hidden, hidden));
                LstmMulAdd(dg.Slice(3 * hidden, hidden), cRow, dp.Slice(2 * hidden, hidden));
            }
        }
    }

    /// <summary>
    /// One forward row; a struct (no closure) so the serial path allocates nothing per step. bias [4H], when given, is
    /// added to the pre-activations first (the layer's sweep folds b_ih + b_hh in here instead of a pass over all steps).
    /// </summary>
    private readonly struct LstmForwardRows(float[] gd, int gOff, float[] cpd, int cpOff, float[]? pd, int pOff, float[] hd, int hOff,
        float[] cd, int cOff, float[] ad, int aOff, int hidden, float[]? bias)
    {
        public void Row(int r)
        {
            int g0 = gOff + r * 4 * hidden, a0 = aOff + r * 4 * hidden;
            int cp0 = cpOff + r * hidden, c0 = cOff + r * hidden, h0 = hOff + r * hidden;
            int j = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                for (; j <= hidden - 16; j += 16)
                {
                    var cp = Vector512.Create(cpd.AsSpan(cp0 + j, 16));
                    var ai = Vector512.Create(gd.AsSpan(g0 + j, 16));
                    var af = Vector512.Create(gd.AsSpan(g0 + hidden + j, 16));
                    var ag = Vector512.Create(gd.AsSpan(g0 + 2 * hidden + j, 16));
                    var ao = Vector512.Create(gd.AsSpan(g0 + 3 * hidden + j, 16));
                    if (bias is not null)
                    {
                        ai += Vector512.Create(bias.AsSpan(j, 16));
                        af += Vector512.Create(bias.AsSpan(hidden + j, 16));
                        ag += Vector512.Create(bias.AsSpan(2 * hidden + j, 16));
                        ao += Vector512.Create(bias.AsSpan(3 * hidden + j, 16));
                    }
                    if (pd is not null)
                    {
                        ai += Vector512.Create(pd.AsSpan(pOff + j, 16)) * cp;
                        af += Vector512.Create(pd.AsSpan(pOff + hidden + j, 16)) * cp;
                    }
                    var i = CpuSimd.GateSigmoid512(ai);
                    var f = CpuSimd.GateSigmoid512(af);
                    var g = CpuSimd.Tanh512(ag);
                    var cn = f * cp + i * g;
                    if (pd is not null) ao += Vector512.Create(pd.AsSpan(pOff + 2 * hidden + j, 16)) * cn;
                    var o = CpuSimd.GateSigmoid512(ao);
                    // act may alias gates: every pre-activation of this chunk was loaded above.
                    i.CopyTo(ad.AsSpan(a0 + j, 16));
                    f.CopyTo(ad.AsSpan(a0 + hidden + j, 16));
                    g.CopyTo(ad.AsSpan(a0 + 2 * hidden + j, 16));
                    o.CopyTo(ad.AsSpan(a0 + 3 * hidden + j, 16));
                    cn.CopyTo(cd.AsSpan(c0 + j, 16));
                    (o * CpuSimd.Tanh512(cn)).CopyTo(hd.AsSpan(h0 + j, 16));
                }
            }
            for (; j < hidden; j++)
            {
                float cp = cpd[cp0 + j];
                float ai = gd[g0 + j], af = gd[g0 + hidden + j], ag = gd[g0 + 2 * hidden + j], ao = gd[g0 + 3 * hidden + j];
                if (bias is not null) { ai += bias[j]; af += bias[hidden + j]; ag += bias[2 * hidden + j]; ao += bias[3 * hidden + j]; }
                if (pd is not null) { ai += pd[pOff + j] * cp; af += pd[pOff + hidden + j] * cp; }
                float i = ActivationMath.Sigmoid(ai), f = ActivationMath.Sigmoid(af), g = ActivationMath.Tanh(ag);
                float cn = f * cp + i * g;
                if (pd is not null) ao += pd[pOff + 2 * hidden + j] * cn;
                float o = ActivationMath.Sigmoid(ao);
                ad[a0 + j] = i; ad[a0 + hidden + j] = f; ad[a0 + 2 * hidden + j] = g; ad[a0 + 3 * hidden + j] = o;
                cd[c0 + j] = cn;
                hd[h0 + j] = o * ActivationMath.Tanh(cn);
            }
        }
    }

    /// <summary>One backward row (pointwise part; the peephole batch sum is a separate serial pass).</summary>
    private readonly struct LstmBackwardRows(float[] ad, int aOff, float[] cpd, int cpOff, float[] cd, int cOff, float[]? pd, int pOff,
        float[] dhd, int dhOff, float[]? dxd, int dxOff, float[]? dnd, int dnOff, float[] dgd, int dgOff, float[] dcpd, int dcpOff, int hidden)
    {
        public void Row(int r)
        {
            int a0 = aOff + r * 4 * hidden, dg0 = dgOff + r * 4 * hidden;
            int k = r * hidden;
            int j = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                var one = Vector512<float>.One;
                for (; j <= hidden - 16; j += 16)
                {
                    var i = Vector512.Create(ad.AsSpan(a0 + j, 16));
                    var f = Vector512.Create(ad.AsSpan(a0 + hidden + j, 16));
                    var g = Vector512.Create(ad.AsSpan(a0 + 2 * hidden + j, 16));
                    var o = Vector512.Create(ad.AsSpan(a0 + 3 * hidden + j, 16));
                    var cp = Vector512.Create(cpd.AsSpan(cpOff + k + j, 16));
                    var cv = Vector512.Create(cd.AsSpan(cOff + k + j, 16));
                    var dhv = Vector512.Create(dhd.AsSpan(dhOff + k + j, 16));
                    if (dxd is not null) dhv += Vector512.Create(dxd.AsSpan(dxOff + k + j, 16));
                    var tc = CpuSimd.Tanh512(cv);
                    var dao = dhv * tc * o * (one - o);
                    var dc = dhv * o * (one - tc * tc);
                    if (dnd is not null) dc += Vector512.Create(dnd.AsSpan(dnOff + k + j, 16));
                    if (pd is not null) dc += dao * Vector512.Create(pd.AsSpan(pOff + 2 * hidden + j, 16));
                    var dai = dc * g * i * (one - i);
                    var daf = dc * cp * f * (one - f);
                    var dag = dc * i * (one - g * g);
                    var dcp = dc * f;
                    if (pd is not null)
                        dcp += dai * Vector512.Create(pd.AsSpan(pOff + j, 16)) + daf * Vector512.Create(pd.AsSpan(pOff + hidden + j, 16));
                    dai.CopyTo(dgd.AsSpan(dg0 + j, 16));
                    daf.CopyTo(dgd.AsSpan(dg0 + hidden + j, 16));
                    dag.CopyTo(dgd.AsSpan(dg0 + 2 * hidden + j, 16));
                    dao.CopyTo(dgd.AsSpan(dg0 + 3 * hidden + j, 16));
                    // dcPrev may alias dcNext: this chunk of dcNext was read above.
                    dcp.CopyTo(dcpd.AsSpan(dcpOff + k + j, 16));
                }
            }
            for (; j < hidden; j++)
            {
                float i = ad[a0 + j], f = ad[a0 + hidden + j], g = ad[a0 + 2 * hidden + j], o = ad[a0 + 3 * hidden + j];
                float cp = cpd[cpOff + k + j];
                float dhv = dhd[dhOff + k + j] + (dxd is null ? 0f : dxd[dxOff + k + j]);
                float tc = ActivationMath.Tanh(cd[cOff + k + j]);
                float dao = dhv * tc * o * (1f - o);
                float dc = dhv * o * (1f - tc * tc);
                if (dnd is not null) dc += dnd[dnOff + k + j];
                if (pd is not null) dc += dao * pd[pOff + 2 * hidden + j];
                float dai = dc * g * i * (1f - i);
                float daf = dc * cp * f * (1f - f);
                float dag = dc * i * (1f - g * g);
                float dcp = dc * f;
                if (pd is not null) dcp += dai * pd[pOff + j] + daf * pd[pOff + hidden + j];
                dgd[dg0 + j] = dai; dgd[dg0 + hidden + j] = daf; dgd[dg0 + 2 * hidden + j] = dag; dgd[dg0 + 3 * hidden + j] = dao;
                dcpd[dcpOff + k + j] = dcp;
            }
        }
    }

    /// <summary>y += a * b elementwise.</summary>
    private static void LstmMulAdd(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y)
    {
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; j <= y.Length - 16; j += 16)
                Vector512.FusedMultiplyAdd(Vector512.Create(a.Slice(j, 16)), Vector512.Create(b.Slice(j, 16)),
                    Vector512.Create(y.Slice(j, 16))).CopyTo(y.Slice(j, 16));
        for (; j < y.Length; j++) y[j] += a[j] * b[j];
    }
}
