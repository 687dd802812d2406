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

    // Rows are added in order into y, so the sums are deterministic whatever the thread count.
    protected override void ColumnSumCore(int rows, int cols, Tensor x, Tensor y, bool accumulate)
    {
        Span<float> xs = x.Span, ys = y.Span;
        if (!accumulate) ys.Clear();
        for (int n = 0; n < rows; n++)
            CpuSimd.Add(ys, xs.Slice(n * cols, cols), ys);
    }
}
