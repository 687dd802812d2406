using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

public sealed partial class CpuBackend
{
    protected override void AddBiasCore(int rows, int cols, Tensor x, Tensor bias, Tensor y)
    {
        Span<float> xs = x.Span, ys = y.Span;
        ReadOnlySpan<float> b = bias.Span;
        for (int n = 0; n < rows; n++)
            CpuSimd.Add(xs.Slice(n * cols, cols), b, ys.Slice(n * cols, cols));
    }

    // Rows are added in order into y, so the sums are deterministic whatever the thread count. Blocks of up to 128
    // columns keep their running sums in registers over all rows (the same additions, in the same order, as adding
    // row after row into y).
    protected override void ColumnSumCore(int rows, int cols, Tensor x, Tensor y, bool accumulate)
    {
        Span<float> xs = x.Span, ys = y.Span;
        if (!accumulate) ys.Clear();
        int c0 = 0;
        if (Vector512.IsHardwareAccelerated)
            while (c0 + 16 <= cols)
            {
                int vectors = Math.Min(8, (cols - c0) / 16);
                if (vectors == 8) ColumnSum8(xs, ys, rows, cols, c0);
                else for (int v = 0; v < vectors; v++) ColumnSum1(xs, ys, rows, cols, c0 + 16 * v);
                c0 += 16 * vectors;
            }
        if (c0 == cols) return;
        Span<float> tail = ys[c0..];
        for (int n = 0; n < rows; n++)
            CpuSimd.Add(tail, xs.Slice(n * cols + c0, cols - c0), tail);
    }

    private static void ColumnSum8(ReadOnlySpan<float> xs, Span<float> ys, int rows, int cols, int c)
    {
        ref float rx = ref MemoryMarshal.GetReference(xs);
        var a0 = Vector512.Create(ys.Slice(c, 16)); var a1 = Vector512.Create(ys.Slice(c + 16, 16));
        var a2 = Vector512.Create(ys.Slice(c + 32, 16)); var a3 = Vector512.Create(ys.Slice(c + 48, 16));
        var a4 = Vector512.Create(ys.Slice(c + 64, 16)); var a5 = Vector512.Create(ys.Slice(c + 80, 16));
        var a6 = Vector512.Create(ys.Slice(c + 96, 16)); var a7 = Vector512.Create(ys.Slice(c + 112, 16));
        for (int n = 0; n < rows; n++)
        {
            nuint o = (nuint)((long)n * cols + c);
            a0 += Vector512.LoadUnsafe(ref rx, o); a1 += Vector512.LoadUnsafe(ref rx, o + 16);
            a2 += Vector512.LoadUnsafe(ref rx, o + 32); a3 += Vector512.LoadUnsafe(ref rx, o + 48);
            a4 += Vector512.LoadUnsafe(ref rx, o + 64); a5 += Vector512.LoadUnsafe(ref rx, o + 80);
            a6 += Vector512.LoadUnsafe(ref rx, o + 96); a7 += Vector512.LoadUnsafe(ref rx, o + 112);
        }
        a0.CopyTo(ys.Slice(c, 16)); a1.CopyTo(ys.Slice(c + 16, 16));
        a2.CopyTo(ys.Slice(c + 32, 16)); a3.CopyTo(ys.Slice(c + 48, 16));
        a4.CopyTo(ys.Slice(c + 64, 16)); a5.CopyTo(ys.Slice(c + 80, 16));
        a6.CopyTo(ys.Slice(c + 96, 16)); a7.CopyTo(ys.Slice(c + 112, 16));
    }

    private static void ColumnSum1(ReadOnlySpan<float> xs, Span<float> ys, int rows, int cols, int c)
    {
        ref float rx = ref MemoryMarshal.GetReference(xs);
        var a = Vector512.Create(ys.Slice(c, 16));
        for (int n = 0; n < rows; n++) a += Vector512.LoadUnsafe(ref rx, (nuint)((long)n * cols + c));
        a.CopyTo(ys.Slice(c, 16));
    }
}
