using ILGPU;
using ILGPU.Runtime;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

/// <summary>Scalar arguments of the row-reduction kernels.</summary>
internal readonly record struct ReduceArgs(int Cols, int Kind);

// v1: one thread per row walking its F columns in order (deterministic; F is a feature or time axis of at most a few
// hundred here). The backward is one thread per element; for max it rescans its row for the first arg-max.
public sealed partial class IlgpuBackend
{
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ReduceArgs>? reduceRowsKernel;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ReduceArgs>? reduceRowsBackwardKernel;

    protected override void ReduceRowsCore(ReductionKind kind, int rows, int cols, Tensor x, Tensor y)
    {
        reduceRowsKernel ??= LoadAutoKernel<Index1D, ArrayView<float>, ArrayView<float>, ReduceArgs>(ReduceRowsKernel);
        reduceRowsKernel(rows, x.View, y.View, new ReduceArgs(cols, (int)kind));
    }

    protected override void ReduceRowsBackwardCore(ReductionKind kind, int rows, int cols, Tensor x, Tensor y, Tensor dy, Tensor dx)
    {
        reduceRowsBackwardKernel ??= LoadAutoKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ReduceArgs>(ReduceRowsBackwardKernel);
        reduceRowsBackwardKernel(x.Length, x.View, y.View, dy.View, dx.View, new ReduceArgs(cols, (int)kind));
    }

    private static void ReduceRowsKernel(Index1D n, ArrayView<float> x, ArrayView<float> y, ReduceArgs p)
    {
        int start = n * p.Cols;
        if (p.Kind == (int)ReductionKind.Max)
        {
            float max = x[start];
            for (int f = 1; f < p.Cols; f++)
            {
                float v = x[start + f];
                if (v > max) max = v;
            }
            y[n] = max;
            return;
        }
        float sum = 0f;
        for (int f = 0; f < p.Cols; f++) sum += x[start + f];
        y[n] = p.Kind == (int)ReductionKind.Mean ? sum / p.Cols : sum;
    }

    private static void ReduceRowsBackwardKernel(Index1D i, ArrayView<float> x, ArrayView<float> y, ArrayView<float> dy,
        ArrayView<float> dx, ReduceArgs p)
    {
        int n = i / p.Cols, f = i - n * p.Cols;
        float g = dy[n];
        if (p.Kind == (int)ReductionKind.Mean) g /= p.Cols;
        else if (p.Kind == (int)ReductionKind.Max)
        {
            int start = n * p.Cols, arg = 0;
            while (arg < p.Cols - 1 && x[start + arg] != y[n]) arg++;
            if (arg != f) g = 0f;
        }
        dx[i] = g;
    }
}
