using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

public sealed partial class CpuBackend
{
    // The pointwise pass is O(B*H) against the step's O(B*H*3H) GEMM, so it stays scalar (MathF.Exp/Tanh are accurate
    // to about 1 ulp); rows are split over threads only when a step is large enough to pay for it.
    protected override void GruCellForwardCore(int b, int h, Tensor gx, Tensor gh, Tensor bih, Tensor bhh, Tensor hPrev, Tensor hNext, Tensor gates)
    {
        float[] gxA = gx.Host!, ghA = gh.Host!, bi = bih.Host!, bh = bhh.Host!, hp = hPrev.Host!, hn = hNext.Host!, ga = gates.Host!;
        int gxO = gx.Offset, ghO = gh.Offset, biO = bih.Offset, bhO = bhh.Offset, hpO = hPrev.Offset, hnO = hNext.Offset, gaO = gates.Offset;

        void Row(int i)
        {
            int g = i * 3 * h, s = gaO + i * 4 * h;
            for (int j = 0; j < h; j++)
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

        if (b * h < 16_384) { for (int i = 0; i < b; i++) Row(i); }
        else ParallelFor(b, Row);
    }

    protected override void GruCellBackwardCore(int b, int h, Tensor dy, Tensor dh, Tensor hPrev, Tensor gates, Tensor dgx, Tensor dgh)
    {
        float[] dyA = dy.Host!, dhA = dh.Host!, hp = hPrev.Host!, ga = gates.Host!, dx = dgx.Host!, dr = dgh.Host!;
        int dyO = dy.Offset, dhO = dh.Offset, hpO = hPrev.Offset, gaO = gates.Offset, dxO = dgx.Offset, drO = dgh.Offset;

        void Row(int i)
        {
            int s = gaO + i * 4 * h, g = i * 3 * h;
            for (int j = 0; j < h; j++)
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

        if (b * h < 16_384) { for (int i = 0; i < b; i++) Row(i); }
        else ParallelFor(b, Row);
    }

    private static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));
}
