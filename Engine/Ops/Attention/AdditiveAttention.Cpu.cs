using System.Runtime.Intrinsics;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

public sealed partial class CpuBackend
{
    // One batch row per work item: the softmax over T couples the steps of a row, rows are independent.
    // Rows run through a plain method (its local Row is never a delegate, so nothing is allocated per decoder step); only
    // the parallel path builds a delegate, in its own method so the serial path does not pay for the closure.
    protected override void AdditiveAttentionForwardCore(int t, int b, int a, int h, Tensor keys, Tensor query, Tensor v,
        Tensor? mask, Tensor values, Tensor tanh, Tensor weights, Tensor context)
    {
        if ((long)t * b * (a + h) < 32_768 || Threads <= 1) AttentionForwardRows(0, b, t, b, a, h, keys, query, v, mask, values, tanh, weights, context);
        else AttentionForwardParallel(t, b, a, h, keys, query, v, mask, values, tanh, weights, context);
    }

    private void AttentionForwardParallel(int t, int b, int a, int h, Tensor keys, Tensor query, Tensor v,
        Tensor? mask, Tensor values, Tensor tanh, Tensor weights, Tensor context) =>
        ParallelFor(b, i => AttentionForwardRows(i, i + 1, t, b, a, h, keys, query, v, mask, values, tanh, weights, context));

    private static void AttentionForwardRows(int from, int to, int t, int b, int a, int h, Tensor keys, Tensor query, Tensor v,
        Tensor? mask, Tensor values, Tensor tanh, Tensor weights, Tensor context)
    {
        void Row(int i)
        {
            ReadOnlySpan<float> k = keys.Span, q = query.Span, vv = v.Span, val = values.Span;
            ReadOnlySpan<float> m = mask is null ? default : mask.Span;
            Span<float> th = tanh.Span, w = weights.Span, ctx = context.Span;
            float max = float.NegativeInfinity;
            for (int s = 0; s < t; s++)
            {
                int row = (s * b + i) * a;
                float e = AttentionScore512(k.Slice(row, a), q.Slice(i * a, a), vv, th.Slice(row, a), out int c);
                for (; c < a; c++)
                {
                    float x = MathF.Tanh(k[row + c] + q[i * a + c]);
                    th[row + c] = x;
                    e += vv[c] * x;
                }
                w[s * b + i] = e;
                if (m.IsEmpty || m[s * b + i] != 0) max = MathF.Max(max, e);
            }
            float sum = 0;
            for (int s = 0; s < t; s++)
            {
                float x = m.IsEmpty || m[s * b + i] != 0 ? MathF.Exp(w[s * b + i] - max) : 0f;
                w[s * b + i] = x;
                sum += x;
            }
            float inv = sum > 0 ? 1f / sum : 0f;
            for (int s = 0; s < t; s++) w[s * b + i] *= inv;
            Span<float> c0 = ctx.Slice(i * h, h);
            c0.Clear();
            for (int s = 0; s < t; s++) AttentionAxpy(w[s * b + i], val.Slice((s * b + i) * h, h), c0);
        }

        for (int i = from; i < to; i++) Row(i);
    }

    protected override void AdditiveAttentionBackwardCore(int t, int b, int a, int h, Tensor values, Tensor weights, Tensor tanh,
        Tensor v, Tensor dContext, Tensor dScores, Tensor dQuery, Tensor dKeys, Tensor dValues)
    {
        if ((long)t * b * (a + h) < 32_768 || Threads <= 1) AttentionBackwardRows(0, b, t, b, a, h, values, weights, tanh, v, dContext, dScores, dQuery, dKeys, dValues);
        else AttentionBackwardParallel(t, b, a, h, values, weights, tanh, v, dContext, dScores, dQuery, dKeys, dValues);
    }

    private void AttentionBackwardParallel(int t, int b, int a, int h, Tensor values, Tensor weights, Tensor tanh,
        Tensor v, Tensor dContext, Tensor dScores, Tensor dQuery, Tensor dKeys, Tensor dValues) =>
        ParallelFor(b, i => AttentionBackwardRows(i, i + 1, t, b, a, h, values, weights, tanh, v, dContext, dScores, dQuery, dKeys, dValues));

    private static void AttentionBackwardRows(int from, int to, int t, int b, int a, int h, Tensor values, Tensor weights, Tensor tanh,
        Tensor v, Tensor dContext, Tensor dScores, Tensor dQuery, Tensor dKeys, Tensor dValues)
    {
        void Row(int i)
        {
            ReadOnlySpan<float> val = values.Span, w = weights.Span, th = tanh.Span, vv = v.Span, dc = dContext.Span.Slice(i * h, h);
            Span<float> de = dScores.Span, dq = dQuery.Span.Slice(i * a, a), dk = dKeys.Span, dv = dValues.Span;
            float dot = 0;
            for (int s = 0; s < t; s++)
            {
                int row = (s * b + i) * h;
                float da = AttentionDot(dc, val.Slice(row, h));
                AttentionAxpy(w[s * b + i], dc, dv.Slice(row, h));
                de[s * b + i] = da;
                dot += w[s * b + i] * da;
            }
            dq.Clear();
            for (int s = 0; s < t; s++)
            {
                float e = w[s * b + i] * (de[s * b + i] - dot);
                de[s * b + i] = e;
                int row = (s * b + i) * a;
                int c = AttentionKeyGrad512(e, vv, th.Slice(row, a), dk.Slice(row, a), dq);
                for (; c < a; c++)
                {
                    float x = th[row + c];
                    float p = e * vv[c] * (1 - x * x);
                    dk[row + c] += p;
                    dq[c] += p;
                }
            }
        }

        for (int i = from; i < to; i++) Row(i);
    }

    // The score loop is T*B*A tanh per decoder step (the bulk of a gru-attn step): 16 units per Vector512 with the
    // activations' stable tanh; returns sum_c v[c] tanh(k[c] + q[c]) over the vector part and the first unit left.
    private static float AttentionScore512(ReadOnlySpan<float> k, ReadOnlySpan<float> q, ReadOnlySpan<float> v, Span<float> th, out int done)
    {
        int c = 0;
        float e = 0;
        if (Vector512.IsHardwareAccelerated && k.Length >= 16)
        {
            var acc = Vector512<float>.Zero;
            for (; c <= k.Length - 16; c += 16)
            {
                var x = CpuActivations.Tanh(Vector512.Create(k.Slice(c, 16)) + Vector512.Create(q.Slice(c, 16)));
                x.CopyTo(th.Slice(c, 16));
                acc = Vector512.FusedMultiplyAdd(Vector512.Create(v.Slice(c, 16)), x, acc);
            }
            e = Vector512.Sum(acc);
        }
        done = c;
        return e;
    }

    /// <summary>dk[c] += p, dq[c] += p with p = e v[c] (1 - th[c]^2) over the vector part; returns the first unit left.</summary>
    private static int AttentionKeyGrad512(float e, ReadOnlySpan<float> v, ReadOnlySpan<float> th, Span<float> dk, Span<float> dq)
    {
        int c = 0;
        if (!Vector512.IsHardwareAccelerated) return 0;
        var ve = Vector512.Create(e);
        for (; c <= th.Length - 16; c += 16)
        {
            var x = Vector512.Create(th.Slice(c, 16));
            var p = ve * Vector512.Create(v.Slice(c, 16)) * (Vector512<float>.One - x * x);
            (Vector512.Create(dk.Slice(c, 16)) + p).CopyTo(dk.Slice(c, 16));
            (Vector512.Create(dq.Slice(c, 16)) + p).CopyTo(dq.Slice(c, 16));
        }
        return c;
    }

    private static float AttentionDot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        int j = 0;
        float sum = 0;
        if (Vector512.IsHardwareAccelerated && x.Length >= 16)
        {
            var acc = Vector512<float>.Zero;
            for (; j <= x.Length - 16; j += 16) acc = Vector512.FusedMultiplyAdd(Vector512.Create(x.Slice(j, 16)), Vector512.Create(y.Slice(j, 16)), acc);
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
