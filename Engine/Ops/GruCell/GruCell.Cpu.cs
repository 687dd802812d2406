using System.Runtime.Intrinsics;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

public sealed partial class CpuBackend
{
    // One batch row per work item, 16 hidden units per Vector512 step (ops' CpuActivations for sigmoid/tanh) and a
    // scalar tail; rows are split over threads only when a step is large enough to pay for it. The rows are structs, not
    // closures, so the serial path allocates nothing per time step; only the parallel path boxes one into a delegate.
    protected override void GruCellForwardCore(int b, int h, Tensor gx, Tensor gh, Tensor bih, Tensor bhh, Tensor hPrev, Tensor hNext, Tensor gates)
    {
        var rows = new GruForwardRows(gx, gh, bih, bhh, hPrev, hNext, gates, h);
        if (b * h < 16_384) { for (int i = 0; i < b; i++) rows.Row(i); }
        else ParallelFor(b, rows.Row);
    }

    protected override void GruCellBackwardCore(int b, int h, Tensor dy, Tensor dh, Tensor hPrev, Tensor gates, Tensor dgx, Tensor dgh)
    {
        var rows = new GruBackwardRows(dy, dh, hPrev, gates, dgx, dgh, h);
        if (b * h < 16_384) { for (int i = 0; i < b; i++) rows.Row(i); }
        else ParallelFor(b, rows.Row);
    }

    private readonly struct GruForwardRows(Tensor gx, Tensor gh, Tensor bih, Tensor bhh, Tensor hPrev, Tensor hNext, Tensor gates, int h)
    {
        public void Row(int i)
        {
            ReadOnlySpan<float> x = gx.Span.Slice(i * 3 * h, 3 * h), r3 = gh.Span.Slice(i * 3 * h, 3 * h), bi = bih.Span, bh = bhh.Span;
            ReadOnlySpan<float> hp = hPrev.Span.Slice(i * h, h);
            Span<float> hn = hNext.Span.Slice(i * h, h), g = gates.Span.Slice(i * 4 * h, 4 * h);
            int j = 0;
            if (Vector512.IsHardwareAccelerated)
                for (; j <= h - 16; j += 16)
                {
                    var r = CpuSimd.GateSigmoid512(GruV(x, j) + GruV(bi, j) + GruV(r3, j) + GruV(bh, j));
                    var z = CpuSimd.GateSigmoid512(GruV(x, h + j) + GruV(bi, h + j) + GruV(r3, h + j) + GruV(bh, h + j));
                    var rec = GruV(r3, 2 * h + j) + GruV(bh, 2 * h + j);
                    var n = CpuActivations.Tanh(GruV(x, 2 * h + j) + GruV(bi, 2 * h + j) + r * rec);
                    r.CopyTo(g.Slice(j, 16));
                    z.CopyTo(g.Slice(h + j, 16));
                    n.CopyTo(g.Slice(2 * h + j, 16));
                    rec.CopyTo(g.Slice(3 * h + j, 16));
                    (n + z * (GruV(hp, j) - n)).CopyTo(hn.Slice(j, 16));
                }
            for (; j < h; j++)
            {
                float r = ActivationMath.Sigmoid(x[j] + bi[j] + r3[j] + bh[j]);
                float z = ActivationMath.Sigmoid(x[h + j] + bi[h + j] + r3[h + j] + bh[h + j]);
                float rec = r3[2 * h + j] + bh[2 * h + j];
                float n = MathF.Tanh(x[2 * h + j] + bi[2 * h + j] + r * rec);
                g[j] = r; g[h + j] = z; g[2 * h + j] = n; g[3 * h + j] = rec;
                hn[j] = n + z * (hp[j] - n);
            }
        }
    }

    private readonly struct GruBackwardRows(Tensor dy, Tensor dh, Tensor hPrev, Tensor gates, Tensor dgx, Tensor dgh, int h)
    {
        public void Row(int i)
        {
            ReadOnlySpan<float> y = dy.Span.Slice(i * h, h), hp = hPrev.Span.Slice(i * h, h), g = gates.Span.Slice(i * 4 * h, 4 * h);
            Span<float> d = dh.Span.Slice(i * h, h), dx = dgx.Span.Slice(i * 3 * h, 3 * h), dr = dgh.Span.Slice(i * 3 * h, 3 * h);
            int j = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                var one = Vector512<float>.One;
                for (; j <= h - 16; j += 16)
                {
                    var r = GruV(g, j); var z = GruV(g, h + j); var n = GruV(g, 2 * h + j); var rec = GruV(g, 3 * h + j);
                    var dt = GruV(y, j) + GruV(d, j);
                    var dan = dt * (one - z) * (one - n * n);
                    var dar = dan * rec * r * (one - r);
                    var daz = dt * (GruV(hp, j) - n) * z * (one - z);
                    dar.CopyTo(dx.Slice(j, 16)); daz.CopyTo(dx.Slice(h + j, 16)); dan.CopyTo(dx.Slice(2 * h + j, 16));
                    dar.CopyTo(dr.Slice(j, 16)); daz.CopyTo(dr.Slice(h + j, 16)); (dan * r).CopyTo(dr.Slice(2 * h + j, 16));
                    (dt * z).CopyTo(d.Slice(j, 16));
                }
            }
            for (; j < h; j++)
            {
                float r = g[j], z = g[h + j], n = g[2 * h + j], rec = g[3 * h + j];
                float dt = y[j] + d[j];
                float dan = dt * (1 - z) * (1 - n * n);
                float dar = dan * rec * r * (1 - r);
                float daz = dt * (hp[j] - n) * z * (1 - z);
                dx[j] = dar; dx[h + j] = daz; dx[2 * h + j] = dan;
                dr[j] = dar; dr[h + j] = daz; dr[2 * h + j] = dan * r;
                d[j] = dt * z;
            }
        }
    }

    private static Vector512<float> GruV(ReadOnlySpan<float> s, int at) => Vector512.Create(s.Slice(at, 16));
}
