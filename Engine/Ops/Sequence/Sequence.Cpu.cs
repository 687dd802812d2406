using System.Runtime.Intrinsics;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

public sealed partial class CpuBackend
{
    // Pure memory moves: block copies (vectorised by the runtime); the sum over T is a Vector512 accumulate per step.
    protected override void ReverseTimeCore(int t, int inner, Tensor x, Tensor y)
    {
        ReadOnlySpan<float> src = x.Span;
        Span<float> dst = y.Span;
        for (int s = 0; s < t; s++) src.Slice((t - 1 - s) * inner, inner).CopyTo(dst.Slice(s * inner, inner));
    }

    protected override void RepeatVectorCore(int t, int inner, Tensor x, Tensor y)
    {
        ReadOnlySpan<float> src = x.Span;
        Span<float> dst = y.Span;
        for (int s = 0; s < t; s++) src.CopyTo(dst.Slice(s * inner, inner));
    }

    protected override void SumOverTimeCore(int t, int inner, Tensor dy, Tensor dx)
    {
        ReadOnlySpan<float> src = dy.Span;
        Span<float> dst = dx.Span;
        src[..inner].CopyTo(dst);
        for (int s = 1; s < t; s++) AddInto(src.Slice(s * inner, inner), dst);
    }

    protected override void ConcatFeaturesCore(int n, int fa, int fb, Tensor a, Tensor b, Tensor y, bool split)
    {
        Span<float> sa = a.Span, sb = b.Span, sy = y.Span;
        int w = fa + fb;
        for (int i = 0; i < n; i++)
        {
            if (split)
            {
                sy.Slice(i * w, fa).CopyTo(sa.Slice(i * fa, fa));
                sy.Slice(i * w + fa, fb).CopyTo(sb.Slice(i * fb, fb));
            }
            else
            {
                sa.Slice(i * fa, fa).CopyTo(sy.Slice(i * w, fa));
                sb.Slice(i * fb, fb).CopyTo(sy.Slice(i * w + fa, fb));
            }
        }
    }

    private static void AddInto(ReadOnlySpan<float> x, Span<float> y)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i <= x.Length - 16; i += 16)
                (Vector512.Create(x.Slice(i, 16)) + Vector512.Create(y.Slice(i, 16)))
                    .CopyTo(y.Slice(i, 16));
        for (; i < x.Length; i++) y[i] += x[i];
    }
}
