using ILGPU;
using ILGPU.Runtime;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

// v1: one implicitly grouped thread per element; ILGPU picks the group size for the device.
public sealed partial class IlgpuBackend
{
    private Action<Index1D, ArrayView<float>, float>? fillKernel, scaleKernel;
    private Action<Index1D, ArrayView<float>, ArrayView<float>>? copyKernel;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>>? addKernel, mulKernel;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, float>? axpyKernel;

    protected override void FillCore(Tensor x, float value)
    {
        fillKernel ??= Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, float>(FillKernel);
        fillKernel(x.Length, x.View, value);
    }

    protected override void CopyCore(Tensor src, Tensor dst)
    {
        copyKernel ??= Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>>(CopyKernel);
        copyKernel(src.Length, src.View, dst.View);
    }

    protected override void AddCore(Tensor a, Tensor b, Tensor y)
    {
        addKernel ??= Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>>(AddKernel);
        addKernel(y.Length, a.View, b.View, y.View);
    }

    protected override void MulCore(Tensor a, Tensor b, Tensor y)
    {
        mulKernel ??= Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>>(MulKernel);
        mulKernel(y.Length, a.View, b.View, y.View);
    }

    protected override void AxpyCore(float alpha, Tensor x, Tensor y)
    {
        axpyKernel ??= Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, float>(AxpyKernel);
        axpyKernel(y.Length, x.View, y.View, alpha);
    }

    protected override void ScaleCore(Tensor x, float alpha)
    {
        scaleKernel ??= Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, float>(ScaleKernel);
        scaleKernel(x.Length, x.View, alpha);
    }

    private static void FillKernel(Index1D i, ArrayView<float> x, float value) => x[i] = value;

    private static void CopyKernel(Index1D i, ArrayView<float> src, ArrayView<float> dst) => dst[i] = src[i];

    private static void AddKernel(Index1D i, ArrayView<float> a, ArrayView<float> b, ArrayView<float> y) => y[i] = a[i] + b[i];

    private static void MulKernel(Index1D i, ArrayView<float> a, ArrayView<float> b, ArrayView<float> y) => y[i] = a[i] * b[i];

    private static void AxpyKernel(Index1D i, ArrayView<float> x, ArrayView<float> y, float alpha) => y[i] += alpha * x[i];

    private static void ScaleKernel(Index1D i, ArrayView<float> x, float alpha) => x[i] *= alpha;
}
