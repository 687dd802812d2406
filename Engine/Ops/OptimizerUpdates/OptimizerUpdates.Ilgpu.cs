using ILGPU;
using ILGPU.Runtime;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

// v1: one implicitly grouped thread per parameter element applying the scalar UpdateMath rule.
public sealed partial class IlgpuBackend
{
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, AdamCoefficients>? adamKernel;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, RmsPropCoefficients>? rmsPropKernel;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, SgdCoefficients>? sgdKernel;

    protected override void AdamUpdateCore(Tensor value, Tensor grad, Tensor m, Tensor v, AdamCoefficients c)
    {
        adamKernel ??= LoadAutoKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            AdamCoefficients>(AdamKernel);
        adamKernel(value.Length, value.View, grad.View, m.View, v.View, c);
    }

    protected override void RmsPropUpdateCore(Tensor value, Tensor grad, Tensor v, RmsPropCoefficients c)
    {
        rmsPropKernel ??= LoadAutoKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, RmsPropCoefficients>(RmsPropKernel);
        rmsPropKernel(value.Length, value.View, grad.View, v.View, c);
    }

    protected override void SgdUpdateCore(Tensor value, Tensor grad, Tensor buffer, SgdCoefficients c)
    {
        sgdKernel ??= LoadAutoKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, SgdCoefficients>(SgdKernel);
        sgdKernel(value.Length, value.View, grad.View, buffer.View, c);
    }

    private static void AdamKernel(Index1D i, ArrayView<float> p, ArrayView<float> g, ArrayView<float> m, ArrayView<float> v, AdamCoefficients c)
    {
        float pi = p[i], mi = m[i], vi = v[i];
        UpdateMath.Adam(ref pi, g[i], ref mi, ref vi, c);
        p[i] = pi;
        m[i] = mi;
        v[i] = vi;
    }

    private static void RmsPropKernel(Index1D i, ArrayView<float> p, ArrayView<float> g, ArrayView<float> v, RmsPropCoefficients c)
    {
        float pi = p[i], vi = v[i];
        UpdateMath.RmsProp(ref pi, g[i], ref vi, c);
        p[i] = pi;
        v[i] = vi;
    }

    private static void SgdKernel(Index1D i, ArrayView<float> p, ArrayView<float> g, ArrayView<float> b, SgdCoefficients c)
    {
        float pi = p[i], bi = b[i];
        UpdateMath.Sgd(ref pi, g[i], ref bi, c);
        p[i] = pi;
        b[i] = bi;
    }
}
