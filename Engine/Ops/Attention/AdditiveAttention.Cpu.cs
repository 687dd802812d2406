using System.Runtime.Intrinsics;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

public sealed partial class CpuBackend
{
    // One batch row per work item (the softmax over T couples the steps of a row, rows are independent); the loops over
    // the A attention units and the H value features run 16 lanes per Vector512 step with a scalar tail. The rows are a
    // struct over raw arrays, so the serial path allocates nothing and the score loop (T x A tanh per row, where the
    // attention models spend most of their time) runs without bounds checks.
    protected override void AdditiveAttentionForwardCore(int t, int b, int a, int h, Tensor keys, Tensor query, Tensor v,
        Tensor? mask, Tensor values, Tensor? tanh, Tensor weights, Tensor context)
    {
        var rows = new AttentionForwardRows(t, b, a, h, keys, query, v, mask, values, tanh, weights, context);
        if ((long)t * b * (a + h) < 32_768) { for (int i = 0; i < b; i++) rows.Row(i); }
        else ParallelFor(b, rows.Row);
    }

    private readonly unsafe struct AttentionForwardRows(int t, int b, int a, int h, Tensor keys, Tensor query, Tensor v, Tensor? mask,
        Tensor values, Tensor? tanh, Tensor weights, Tensor context)
    {
        public void Row(int i)
        {
            fixed (float* pk = keys.Host, pq = query.Host, pv = v.Host, pm = mask?.Host, pval = values.Host, pth = tanh?.Host,
                pw = weights.Host, pc = context.Host)
            {
                float* k = pk + keys.Offset, q = pq + query.Offset + (long)i * a, vv = pv + v.Offset, val = pval + values.Offset;
                float* m = pm == null ? null : pm + mask!.Offset, th = pth == null ? null : pth + tanh!.Offset;
                float* w = pw + weights.Offset, ctx = pc + context.Offset + (long)i * h;
                float max = float.NegativeInfinity;
                for (int s = 0; s < t; s++)
                {
                    long row = ((long)s * b + i) * a;
                    float e = 0;
                    int c = 0;
                    if (Vector512.IsHardwareAccelerated)
                    {
                        var acc = Vector512<float>.Zero;
                        for (; c <= a - 16; c += 16)
                        {
                            var x = CpuSimd.Tanh512(Vector512.Load(k + row + c) + Vector512.Load(q + c));
                            if (th != null) Vector512.Store(x, th + row + c);
                            acc = Vector512.FusedMultiplyAdd(Vector512.Load(vv + c), x, acc);
                        }
                        e = Vector512.Sum(acc);
                    }
                    for (; c < a; c++)
                    {
                        float x = MathF.Tanh(k[row + c] + q[c]);
                        if (th != null) th[row + c] = x;
                        e += vv[c] * x;
                    }
                    w[s * b + i] = e;
                    if (m == null || m[s * b + i] != 0) max = MathF.Max(max, e);
                }
                float sum = 0;
                for (int s = 0; s < t; s++)
                {
                    float x = m == null || m[s * b + i] != 0 ? MathF.Exp(w[s * b + i] - max) : 0f;
                    w[s * b + i] = x;
                    sum += x;
                }
                float inv = sum > 0 ? 1f / sum : 0f;
                for (int s = 0; s < t; s++) w[s * b + i] *= inv;
                var c0 = new Span<float>(ctx, h);
                c0.Clear();
                for (int s = 0; s < t; s++) AttentionAxpy(w[s * b + i], new ReadOnlySpan<float>(val + ((long)s * b + i) * h, h), c0);
            }
        }
    }

    protected override void AdditiveAttentionBackwardCore(int t, int b, int a, int h, Tensor values, Tensor weights, Tensor tanh,
        Tensor v, Tensor dContext, Tensor dScores, Tensor dQuery, Tensor dKeys, Tensor dValues)
    {
        var rows = new AttentionBackwardRows(t, b, a, h, values, weights, tanh, v, dContext, dScores, dQuery, dKeys, dValues);
        if ((long)t * b * (a + h) < 32_768) { for (int i = 0; i < b; i++) rows.Row(i); }
        else ParallelFor(b, rows.Row);
    }

    private readonly unsafe struct AttentionBackwardRows(int t, int b, int a, int h, Tensor values, Tensor weights, Tensor tanh, Tensor v,
        Tensor dContext, Tensor dScores, Tensor dQuery, Tensor dKeys, Tensor dValues)
    {
        public void Row(int i)
        {
            fixed (float* pval = values.Host, pw = weights.Host, pth = tanh.Host, pv = v.Host, pdc = dContext.Host, pde = dScores.Host,
                pdq = dQuery.Host, pdk = dKeys.Host, pdv = dValues.Host)
            {
                float* val = pval + values.Offset, w = pw + weights.Offset, th = pth + tanh.Offset, vv = pv + v.Offset;
                float* dc = pdc + dContext.Offset + (long)i * h, de = pde + dScores.Offset, dq = pdq + dQuery.Offset + (long)i * a;
                float* dk = pdk + dKeys.Offset, dv = pdv + dValues.Offset;
                var dcSpan = new ReadOnlySpan<float>(dc, h);
                float dot = 0;
                for (int s = 0; s < t; s++)
                {
                    long row = ((long)s * b + i) * h;
                    float da = AttentionDot(dcSpan, new ReadOnlySpan<float>(val + row, h));
                    AttentionAxpy(w[s * b + i], dcSpan, new Span<float>(dv + row, h));
                    de[s * b + i] = da;
                    dot += w[s * b + i] * da;
                }
                new Span<float>(dq, a).Clear();
                for (int s = 0; s < t; s++)
                {
                    float e = w[s * b + i] * (de[s * b + i] - dot);
                    de[s * b + i] = e;
                    long row = ((long)s * b + i) * a;
                    int c = 0;
                    if (Vector512.IsHardwareAccelerated)
                    {
                        var ve = Vector512.Create(e);
                        for (; c <= a - 16; c += 16)
                        {
                            var x = Vector512.Load(th + row + c);
                            var p = ve * Vector512.Load(vv + c) * (Vector512<float>.One - x * x);
                            Vector512.Store(Vector512.Load(dk + row + c) + p, dk + row + c);
                            Vector512.Store(Vector512.Load(dq + c) + p, dq + c);
                        }
                    }
                    for (; c < a; c++)
                    {
                        float x = th[row + c];
                        float p = e * vv[c] * (1 - x * x);
                        dk[row + c] += p;
                        dq[c] += p;
                    }
                }
            }
        }
    }

    private static float AttentionDot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        int j = 0;
        float sum = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var acc = Vector512<float>.Zero;
            for (; j <= x.Length - 16; j += 16)
                acc = Vector512.FusedMultiplyAdd(Vector512.Create(x.Slice(j, 16)), Vector512.Create(y.Slice(j, 16)), acc);
            sum = Vector512.Sum(acc);
        }
        for (; j < x.Length; j++) sum += x[j] * y[j];
        return sum;
    }

    // Kept here rather than shared with the GEMM file so the two can change independently.
    private static void AttentionAxpy(float alpha, ReadOnlySpan<float> x, Span<float> y)
    {
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var va = Vector512.Create(alpha);
            for (; j <= x.Length - 16; j += 16)
                Vector512.FusedMultiplyAdd(va, Vector512.Create(x.Slice(j, 16)), Vector512.Create(y.Slice(j, 16))).CopyTo(y.Slice(j, 16));
        }
        for (; j < x.Length; j++) y[j] = MathF.FusedMultiplyAdd(alpha, x[j], y[j]);
    }
}
