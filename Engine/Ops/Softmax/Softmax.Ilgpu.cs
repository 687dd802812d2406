using ILGPU;
using ILGPU.Runtime;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

// v1: one thread per row (rows are batch entries, F an attention window of at most a few hundred); three passes over
// the row: max, exp and sum, scale. The backward: dot, then dx.
public sealed partial class IlgpuBackend
{
    private Action<Index1D, ArrayView<float>, ArrayView<float>, int>? softmaxKernel;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>? softmaxBackwardKernel;

    protected override void SoftmaxCore(int rows, int cols, Tensor x, Tensor y)
    {
        softmaxKernel ??= LoadAutoKernel<Index1D, ArrayView<float>, ArrayView<float>, int>(SoftmaxKernel);
        softmaxKernel(rows, x.View, y.View, cols);
    }

    protected override void SoftmaxBackwardCore(int rows, int cols, Tensor y, Tensor dy, Tensor dx)
    {
        softmaxBackwardKernel ??= LoadAutoKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(SoftmaxBackwardKernel);
        softmaxBackwardKernel(rows, y.View, dy.View, dx.View, cols);
    }

    private static void SoftmaxKernel(Index1D n, ArrayView<float> x, ArrayView<float> y, int cols)
    {
        int start = n * cols;
        float max = x[start];
        for (int f = 1; f < cols; f++)
        {
            float v = x[start + f];
            if (v > max) max = v;
        }
        float sum = 0f;
        for (int f = 0; f < cols; f++)
        {
            float e = MathF.Exp(x[start + f] - max);
            y[start + f] = e;
            sum += e;
        }
        float inv = 1f / sum;
        for (int f = 0; f < cols; f++) y[start + f] *= inv;
    }

    private static void SoftmaxBackwardKernel(Index1D n, ArrayView<float> y, ArrayView<float> dy, ArrayView<float> dx, int cols)
    {
        int start = n * cols;
        float dot = 0f;
        for (int f = 0; f < cols; f++) dot += dy[start + f] * y[start + f];
        for (int f = 0; f < cols; f++) dx[start + f] = y[start + f] * (dy[start + f] - dot);
    }
}
