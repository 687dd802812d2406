using System.Runtime.Intrinsics;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

public sealed partial class CpuBackend
{
    // v1: straightforward row-times-panel kernel. op(B) is materialised row-major so the inner loop is a contiguous
    // Vector512 axpy over N; rows of C are split across threads.
    protected override void GemmCore(bool transA, bool transB, int m, int n, int k, float alpha, Tensor a, Tensor b, float beta, Tensor c)
    {
        float[] aData = a.Host!, bData = b.Host!, cData = c.Host!;
        int aOff = a.Offset, bOff = b.Offset, cOff = c.Offset;
        float[]? bRowMajor = null;
        if (transB)
        {
            bRowMajor = new float[k * n];
            for (int j = 0; j < n; j++)
            for (int p = 0; p < k; p++)
                bRowMajor[p * n + j] = bData[bOff + j * k + p];
        }
        float[] bPanel = bRowMajor ?? bData;
        int bBase = bRowMajor is null ? bOff : 0;

        void Row(int i)
        {
            Span<float> cRow = cData.AsSpan(cOff + i * n, n);
            if (beta == 0) cRow.Clear();
            else if (beta != 1) Scale(cRow, beta);
            for (int p = 0; p < k; p++)
            {
                float av = alpha * (transA ? aData[aOff + p * m + i] : aData[aOff + i * k + p]);
                if (av == 0) continue;
                Axpy(av, bPanel.AsSpan(bBase + p * n, n), cRow);
            }
        }

        if ((long)m * n * k < 32_768) { for (int i = 0; i < m; i++) Row(i); }
        else ParallelFor(m, Row);
    }

    private static void Scale(Span<float> x, float s)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i <= x.Length - 16; i += 16)
                (Vector512.Create(x.Slice(i, 16)) * s).CopyTo(x.Slice(i, 16));
        for (; i < x.Length; i++) x[i] *= s;
    }

    private static void Axpy(float a, ReadOnlySpan<float> x, Span<float> y)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var va = Vector512.Create(a);
            for (; i <= x.Length - 16; i += 16)
                Vector512.FusedMultiplyAdd(va, Vector512.Create(x.Slice(i, 16)), Vector512.Create(y.Slice(i, 16))).CopyTo(y.Slice(i, 16));
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var va = Vector256.Create(a);
            for (; i <= x.Length - 8; i += 8)
                Vector256.FusedMultiplyAdd(va, Vector256.Create(x.Slice(i, 8)), Vector256.Create(y.Slice(i, 8))).CopyTo(y.Slice(i, 8));
        }
        for (; i < x.Length; i++) y[i] = MathF.FusedMultiplyAdd(a, x[i], y[i]);
    }
}
