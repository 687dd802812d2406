using ILGPU;
using ILGPU.Runtime;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

// v1: one implicitly grouped thread per element; ILGPU picks the group size for the device.
public sealed partial class IlgpuBackend
{
    private Action<Index1D, ArrayView<float>, float>? fillKernel, scaleKernel;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>>? addKernel, mulKernel;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, float>? axpyKernel;

    // Zero fills and copies go through the driver (memset, device-to-device copy on the same stream, so ordered with
    // the kernels): no kernel launch for what every training step does many times (zero-grad, state copies).
    protected override void FillCore(Tensor x, float value)
    {
        if (value == 0f && !float.IsNegative(value))
        {
            x.View.MemSetToZero();
            return;
        }
        fillKernel ??= LoadAutoKernel<Index1D, ArrayView<float>, float>(FillKernel);
        fillKernel(x.Length, x.View, value);
    }

    protected override void CopyCore(Tensor src, Tensor dst)
    {
        src.View.CopyTo(dst.View);
    }

    protected override void AddCore(Tensor a, Tensor b, Tensor y)
    {
        addKernel ??= LoadAutoKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>>(AddKernel);
        addKernel(y.Length, a.View, b.View, y.View);
    }

    protected override void MulCore(Tensor a, Tensor b, Tensor y)
    {
        mulKernel ??= LoadAutoKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>>(MulKernel);
        mulKernel(y.Length, a.View, b.View, y.View);
    }

    protected override void AxpyCore(float alpha, Tensor x, Tensor y)
    {
        axpyKernel ??= LoadAutoKernel<Index1D, ArrayView<float>, ArrayView<float>, float>(AxpyKernel);
        axpyKernel(y.Length, x.View, y.View, alpha);
    }

    protected override void ScaleCore(Tensor x, float alpha)
    {
        scaleKernel ??= LoadAutoKernel<Index1D, ArrayView<float>, float>(ScaleKernel);
        scaleKernel(x.Length, x.View, alpha);
    }

    private static void FillKernel(Index1D i, ArrayView<float> x, float value) => x[i] = value;


    private static void AddKernel(Index1D i, ArrayView<float> a, ArrayView<float> b, ArrayView<float> y) => y[i] = a[i] + b[i];

    private static void MulKernel(Index1D i, ArrayView<float> a, ArrayView<float> b, ArrayView<float> y) => y[i] = a[i] * b[i];

    private static void AxpyKernel(Index1D i, ArrayView<float> x, ArrayView<float> y, float alpha) => y[i] += alpha * x[i];

    private static void ScaleKernel(Index1D i, ArrayView<float> x, float alpha) => x[i] *= alpha;
}
