using ILGPU;
using ILGPU.Runtime;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

/// <summary>Scalar arguments of the activation kernels.</summary>
internal readonly record struct ActivationArgs(int Kind, float Slope);

// v1: one implicitly grouped thread per element; the kind is uniform across the launch, so the branch costs nothing.
public sealed partial class IlgpuBackend
{
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ActivationArgs>? activationKernel;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ActivationArgs>? activationBackwardKernel;

    protected override void ActivationCore(ActivationKind kind, Tensor x, Tensor y, float slope)
    {
        activationKernel ??= LoadAutoKernel<Index1D, ArrayView<float>, ArrayView<float>, ActivationArgs>(ActivationKernel);
        activationKernel(x.Length, x.View, y.View, new ActivationArgs((int)kind, slope));
    }

    protected override void ActivationBackwardCore(ActivationKind kind, Tensor x, Tensor y, Tensor dy, Tensor dx, float slope)
    {
        activationBackwardKernel ??= LoadAutoKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ActivationArgs>(ActivationBackwardKernel);
        activationBackwardKernel(x.Length, x.View, y.View, dy.View, dx.View, new ActivationArgs((int)kind, slope));
    }

    private static void ActivationKernel(Index1D i, ArrayView<float> x, ArrayView<float> y, ActivationArgs a) =>
        y[i] = ActivationMath.Forward(a.Kind, x[i], a.Slope);

    private static void ActivationBackwardKernel(Index1D i, ArrayView<float> x, ArrayView<float> y, ArrayView<float> dy,
        ArrayView<float> dx, ActivationArgs a) =>
        dx[i] = ActivationMath.Backward(a.Kind, x[i], y[i], dy[i], a.Slope);
}
