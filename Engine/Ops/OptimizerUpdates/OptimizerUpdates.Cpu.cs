using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

// The updates stream each parameter once per step: Vector512 bodies, scalar UpdateMath for the tail and for machines
// without AVX-512 (the rule is memory bound; a 256-bit copy of each rule would add code, not speed that matters).
public sealed partial class CpuBackend
{
    private static ref float R(Tensor t) => ref MemoryMarshal.GetReference(t.Span);

    protected override void AdamUpdateCore(Tensor value, Tensor grad, Tensor m, Tensor v, AdamCoefficients c)
    {
        int i = 0, n = value.Length;
        ref float rp = ref R(value), rg = ref R(grad), rm = ref R(m), rv = ref R(v);
        if (Vector512.IsHardwareAccelerated)
        {
            var gs = Vector512.Create(c.GradScale);
            var wd = Vector512.Create(c.WeightDecay);
            var b1 = Vector512.Create(c.Beta1);
            var b1c = Vector512.Create(1f - c.Beta1);
            var b2 = Vector512.Create(c.Beta2);
            var b2c = Vector512.Create(1f - c.Beta2);
            var step = Vector512.Create(c.StepSize);
            var invBias2 = Vector512.Create(c.InvSqrtBias2);
            var eps = Vector512.Create(c.Eps);
            for (; i <= n - 16; i += 16)
            {
                var p = Vector512.LoadUnsafe(ref rp, (nuint)i);
                var g = gs * Vector512.LoadUnsafe(ref rg, (nuint)i) + wd * p;
                var mv = b1 * Vector512.LoadUnsafe(ref rm, (nuint)i) + b1c * g;
                var vv = b2 * Vector512.LoadUnsafe(ref rv, (nuint)i) + b2c * g * g;
                mv.StoreUnsafe(ref rm, (nuint)i);
                vv.StoreUnsafe(ref rv, (nuint)i);
                (p - step * mv / (Vector512.Sqrt(vv) * invBias2 + eps)).StoreUnsafe(ref rp, (nuint)i);
            }
        }
        for (; i < n; i++)
            UpdateMath.Adam(ref Unsafe.Add(ref rp, i), Unsafe.Add(ref rg, i), ref Unsafe.Add(ref rm, i), ref Unsafe.Add(ref rv, i), c);
    }

    protected override void RmsPropUpdateCore(Tensor value, Tensor grad, Tensor v, RmsPropCoefficients c)
    {
        int i = 0, n = value.Length;
        ref float rp = ref R(value), rg = ref R(grad), rv = ref R(v);
        if (Vector512.IsHardwareAccelerated)
        {
            var gs = Vector512.Create(c.GradScale);
            var wd = Vector512.Create(c.WeightDecay);
            var a = Vector512.Create(c.Alpha);
            var ac = Vector512.Create(1f - c.Alpha);
            var lr = Vector512.Create(c.Lr);
            var eps = Vector512.Create(c.Eps);
            for (; i <= n - 16; i += 16)
            {
                var p = Vector512.LoadUnsafe(ref rp, (nuint)i);
                var g = gs * Vector512.LoadUnsafe(ref rg, (nuint)i) + wd * p;
                var vv = a * Vector512.LoadUnsafe(ref rv, (nuint)i) + ac * g * g;
                vv.StoreUnsafe(ref rv, (nuint)i);
                (p - lr * g / (Vector512.Sqrt(vv) + eps)).StoreUnsafe(ref rp, (nuint)i);
            }
        }
        for (; i < n; i++)
            UpdateMath.RmsProp(ref Unsafe.Add(ref rp, i), Unsafe.Add(ref rg, i), ref Unsafe.Add(ref rv, i), c);
    }

    protected override void SgdUpdateCore(Tensor value, Tensor grad, Tensor buffer, SgdCoefficients c)
    {
        int i = 0, n = value.Length;
        ref float rp = ref R(value), rg = ref R(grad), rb = ref R(buffer);
        if (Vector512.IsHardwareAccelerated)
        {
            var gs = Vector512.Create(c.GradScale);
            var wd = Vector512.Create(c.WeightDecay);
            var mu = Vector512.Create(c.Momentum);
            var lr = Vector512.Create(c.Lr);
            for (; i <= n - 16; i += 16)
            {
                var p = Vector512.LoadUnsafe(ref rp, (nuint)i);
                var g = gs * Vector512.LoadUnsafe(ref rg, (nuint)i) + wd * p;
                var b = mu * Vector512.LoadUnsafe(ref rb, (nuint)i) + g;
                b.StoreUnsafe(ref rb, (nuint)i);
                (p - lr * b).StoreUnsafe(ref rp, (nuint)i);
            }
        }
        for (; i < n; i++)
            UpdateMath.Sgd(ref Unsafe.Add(ref rp, i), Unsafe.Add(ref rg, i), ref Unsafe.Add(ref rb, i), c);
    }
}
