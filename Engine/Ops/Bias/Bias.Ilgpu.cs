using ILGPU;
using ILGPU.Runtime;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

// v1 add-bias: one thread per element. v1 column-sum: one thread per column walking the rows in order, so the result
// does not depend on scheduling (no atomics); N is a batch or T*B, small next to the GEMMs that precede it.
public sealed partial class IlgpuBackend
{
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>? addBiasKernel;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, int, int, int>? columnSumKernel;

    protected override void AddBiasCore(int rows, int cols, Tensor x, Tensor bias, Tensor y)
    {
        addBiasKernel ??= LoadAutoKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(AddBiasKernel);
        addBiasKernel(x.Length, x.View, bias.View, y.View, cols);
    }

    protected override void ColumnSumCore(int rows, int cols, Tensor x, Tensor y, bool accumulate)
    {
        columnSumKernel ??= LoadAutoKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int, int>(ColumnSumKernel);
        columnSumKernel(cols, x.View, y.View, rows, cols, accumulate ? 1 : 0);
    }

    private static void AddBiasKernel(Index1D i, ArrayView<float> x, ArrayView<float> bias, ArrayView<float> y, int cols) =>
        y[i] = x[i] + bias[i % cols];

    private static void ColumnSumKernel(Index1D f, ArrayView<float> x, ArrayView<float> y, int rows, int cols, int accumulate)
    {
        float sum = accumulate != 0 ? y[f] : 0f;
        for (int n = 0; n < rows; n++) sum += x[n * cols + f];
        y[f] = sum;
    }
}
