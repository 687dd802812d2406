using System.Runtime.Intrinsics;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

public sealed partial class CpuBackend
{
    // The pointwise pass is O(B*H) against the step's O(B*H*3H) GEMM, but scalar MathF.Exp/Tanh cost ~10x a Vector512
    // lane, which made this pass slower than the GEMM at H = 32..128: 16 units at a time with the activations' stable
    // Vector512 formulation (CpuActivations), scalar for the tail. Rows go to other threads only when a step is large.
    // Rows run through a plain method (its local Row is never a delegate, so nothing is allocated); only the parallel
    // path builds a delegate, in its own method so the serial path does not pay for the closure.
    protected override void GruCellForwardCore(int b, int h, Tensor gx, Tensor gh, Tensor bih, Tensor bhh, Tensor hPrev, Tensor hNext, Tensor gates)
    {
        if (b * h < 16_384 || Threads <= 1) GruCellForwardRows(0, b, h, gx, gh, bih, bhh, hPrev, hNext, gates);
        else GruCellForwardParallel(b, h, gx, gh, bih, bhh, hPrev, hNext, gates);
    }

    private void GruCellForwardParallel(int b, int h, Tensor gx, Tensor gh, Tensor bih, Tensor bhh, Tensor hPrev, Tensor hNext, Tensor gates) =>
        ParallelFor(b, i => GruCellForwardRows(i, i + 1, h, gx, gh, bih, bhh, hPrev, hNext, gates));

    private static void GruCellForwardRows(int from, int to, int h, Tensor gx, Tensor gh, Tensor bih, Tensor bhh, Tensor hPrev, Tensor hNext, Tensor gates)
    {
        float[] gxA = gx.Host!, ghA = gh.Host!, bi = bih.Host!, bh = bhh.Host!, hp = hPrev.Host!, hn = hNext.Host!, ga = gates.Host!;
        int gxO = gx.Offset, ghO = gh.Offset, biO = bih.Offset, bhO = bhh.Offset, hpO = hPrev.Offset, hnO = hNext.Offset, gaO = gates.Offset;

        void Row(int i)
        {
            int g = i * 3 * h, s = gaO + i * 4 * h;
            int j = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                for (; j <= h - 16; j += 16)
                {
                    int x0 = gxO + g + j, h0 = ghO + g + j;
                    var r = CpuActivations.Sigmoid(V(gxA, x0) + V(bi, biO + j) + V(ghA, h0) + V(bh, bhO + j));
                    var z = CpuActivations.Sigmoid(V(gxA, x0 + h) + V(bi, biO + h + j) + V(ghA, h0 + h) + V(bh, bhO + h + j));
                    var rec = V(ghA, h0 + 2 * h) + V(bh, bhO + 2 * h + j);
                    var n = CpuActivations.Tanh(V(gxA, x0 + 2 * h) + V(bi, biO + 2 * h + j) + r * rec);
                    r.CopyTo(ga.AsSpan(s + j, 16));
                    z.CopyTo(ga.AsSpan(s + h + j, 16));
                    n.CopyTo(ga.AsSpan(s + 2 * h + j, 16));
                    rec.CopyTo(ga.AsSpan(s + 3 * h + j, 16));
                    (n + z * (V(hp, hpO + i * h + j) - n)).CopyTo(hn.AsSpan(hnO + i * h + j, 16));
                }
            }
            for (; j < h; j++)
            {
                float r = Sigmoid(gxA[gxO + g + j] + bi[biO + j] + ghA[ghO + g + j] + bh[bhO + j]);
                float z = Sigmoid(gxA[gxO + g + h + j] + bi[biO + h + j] + ghA[ghO + g + h + j] + bh[bhO + h + j]);
                float rec = ghA[ghO + g + 2 * h + j] + bh[bhO + 2 * h + j];
                float n = MathF.Tanh(gxA[gxO + g + 2 * h + j] + bi[biO + 2 * h + j] + r * rec);
                ga[s + j] = r;
                ga[s + h + j] = z;
                ga[s + 2 * h + j] = n;
                ga[s + 3 * h + j] = rec;
                hn[hnO + i * h + j] = n + z * (hp[hpO + i * h + j] - n);
            }
        }

        for (int i = from; i < to; i++) Row(i);
    }

    protected override void GruCellBackwardCore(int b, int h, Tensor dy, Tensor dh, Tensor hPrev, Tensor gates, Tensor dgx, Tensor dgh)
    {
        if (b * h < 16_384 || Threads <= 1) GruCellBackwardRows(0, b, h, dy, dh, hPrev, gates, dgx, dgh);
        else GruCellBackwardParallel(b, h, dy, dh, hPrev, gates, dgx, dgh);
    }

    private void GruCellBackwardParallel(int b, int h, Tensor dy, Tensor dh, Tensor hPrev, Tensor gates, Tensor dgx, Tensor dgh) =>
        ParallelFor(b, i => GruCellBackwardRows(i, i + 1, h, dy, dh, hPrev, gates, dgx, dgh));

    private static void GruCellBackwardRows(int from, int to, int h, Tensor dy, Tensor dh, Tensor hPrev, Tensor gates, Tensor dgx, Tensor dgh)
    {
        float[] dyA = dy.Host!, dhA = dh.Host!, hp = hPrev.Host!, ga = gates.Host!, dx = dgx.Host!, dr = dgh.Host!;
        int dyO = dy.Offset, dhO = dh.Offset, hpO = hPrev.Offset, gaO = gates.Offset, dxO = dgx.Offset, drO = dgh.Offset;

        void Row(int i)
        {
            int s = gaO + i * 4 * h, g = i * 3 * h;
            int j = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                var one = Vector512<float>.One;
                for (; j <= h - 16; j += 16)
                {
                    int k = i * h + j;
                    var r = V(ga, s + j);
                    var z = V(ga, s + h + j);
                    var n = V(ga, s + 2 * h + j);
                    var rec = V(ga, s + 3 * h + j);
                    var d = V(dyA, dyO + k) + V(dhA, dhO + k);
                    var dan = d * (one - z) * (one - n * n);
                    var dar = dan * rec * r * (one - r);
                    var daz = d * (V(hp, hpO + k) - n) * z * (one - z);
                    dar.CopyTo(dx.AsSpan(dxO + g + j, 16)); daz.CopyTo(dx.AsSpan(dxO + g + h + j, 16)); dan.CopyTo(dx.AsSpan(dxO + g + 2 * h + j, 16));
                    dar.CopyTo(dr.AsSpan(drO + g + j, 16)); daz.CopyTo(dr.AsSpan(drO + g + h + j, 16)); (dan * r).CopyTo(dr.AsSpan(drO + g + 2 * h + j, 16));
                    (d * z).CopyTo(dhA.AsSpan(dhO + k, 16));
                }
            }
            for (; j < h; j++)
            {
                int k = i * h + j;
                float r = ga[s + j], z = ga[s + h + j], n = ga[s + 2 * h + j], rec = ga[s + 3 * h + j];
                float d = dyA[dyO + k] + dhA[dhO + k];
                float dan = d * (1 - z) * (1 - n * n);
                float dar = dan * rec * r * (1 - r);
                float daz = d * (hp[hpO + k] - n) * z * (1 - z);
                dx[dxO + g + j] = dar; dx[dxO + g + h + j] = daz; dx[dxO + g + 2 * h + j] = dan;
                dr[drO + g + j] = dar; dr[drO + g + h + j] = daz; dr[drO + g + 2 * h + j] = dan * r;
                dhA[dhO + k] = d * z;
            }
        }

        for (int i = from; i < to; i++) Row(i);
    }

    private static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    private static Vector512<float> V(float[] a, int offset) => Vector512.Create(a.AsSpan(offset, 16));
}
