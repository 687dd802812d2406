using ILGPU;
using ILGPU.Runtime;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

public sealed partial class IlgpuBackend
{
    private Action<Index1D, ArrayView<float>, ArrayView<float>, int, int>? reverseTime, repeatVector, sumOverTime;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>? concatFeatures, splitFeatures;

    protected override void ReverseTimeCore(int t, int inner, Tensor x, Tensor y)
    {
        reverseTime ??= LoadAutoKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int>(ReverseTimeKernel);
        reverseTime(t * inner, x.View, y.View, t, inner);
    }

    protected override void RepeatVectorCore(int t, int inner, Tensor x, Tensor y)
    {
        repeatVector ??= LoadAutoKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int>(RepeatVectorKernel);
        repeatVector(t * inner, x.View, y.View, t, inner);
    }

    protected override void SumOverTimeCore(int t, int inner, Tensor dy, Tensor dx)
    {
        sumOverTime ??= LoadAutoKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int>(SumOverTimeKernel);
        sumOverTime(inner, dy.View, dx.View, t, inner);
    }

    protected override void ConcatFeaturesCore(int n, int fa, int fb, Tensor a, Tensor b, Tensor y, bool split)
    {
        if (split)
        {
            splitFeatures ??= LoadAutoKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(SplitFeaturesKernel);
            splitFeatures(n * (fa + fb), a.View, b.View, y.View, fa, fb);
        }
        else
        {
            concatFeatures ??= LoadAutoKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(ConcatFeaturesKernel);
            concatFeatures(n * (fa + fb), a.View, b.View, y.View, fa, fb);
        }
    }

    private static void ReverseTimeKernel(Index1D idx, ArrayView<float> x, ArrayView<float> y, int t, int inner)
    {
        int s = idx / inner, i = idx - s * inner;
        y[idx] = x[(t - 1 - s) * inner + i];
    }

    private static void RepeatVectorKernel(Index1D idx, ArrayView<float> x, ArrayView<float> y, int t, int inner) =>
        y[idx] = x[idx % inner];

    // One thread per output element, summing its T inputs in order (deterministic, no atomics).
    private static void SumOverTimeKernel(Index1D i, ArrayView<float> dy, ArrayView<float> dx, int t, int inner)
    {
        float sum = 0;
        for (int s = 0; s < t; s++) sum += dy[s * inner + i];
        dx[i] = sum;
    }

    private static void ConcatFeaturesKernel(Index1D idx, ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, int fa, int fb)
    {
        int w = fa + fb, n = idx / w, c = idx - n * w;
        y[idx] = c < fa ? a[n * fa + c] : b[n * fb + c - fa];
    }

    private static void SplitFeaturesKernel(Index1D idx, ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, int fa, int fb)
    {
        int w = fa + fb, n = idx / w, c = idx - n * w;
        if (c < fa) a[n * fa + c] = y[idx];
        else b[n * fb + c - fa] = y[idx];
    }
}
