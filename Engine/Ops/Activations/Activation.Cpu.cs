using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

// Vector512 (else Vector256) bodies in the exp(-|x|) form, the scalar tail through ActivationMath (the engine's one
// scalar sigmoid and tanh); both saturate without overflow, and they differ by rounding only. One switch per call,
// none per element.
public sealed partial class CpuBackend
{
    protected override void ActivationCore(ActivationKind kind, Tensor x, Tensor y, float slope)
    {
        switch (kind)
        {
            case ActivationKind.Sigmoid: CpuActivations.Sigmoid(x.Span, y.Span); break;
            case ActivationKind.Tanh: CpuActivations.Tanh(x.Span, y.Span); break;
            case ActivationKind.Relu: CpuActivations.LeakyRelu(x.Span, y.Span, 0f); break;
            case ActivationKind.LeakyRelu: CpuActivations.LeakyRelu(x.Span, y.Span, slope); break;
            default: throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }

    protected override void ActivationBackwardCore(ActivationKind kind, Tensor x, Tensor y, Tensor dy, Tensor dx, float slope)
    {
        switch (kind)
        {
            case ActivationKind.Sigmoid: CpuActivations.SigmoidBackward(y.Span, dy.Span, dx.Span); break;
            case ActivationKind.Tanh: CpuActivations.TanhBackward(y.Span, dy.Span, dx.Span); break;
            case ActivationKind.Relu: CpuActivations.LeakyReluBackward(x.Span, dy.Span, dx.Span, 0f); break;
            case ActivationKind.LeakyRelu: CpuActivations.LeakyReluBackward(x.Span, dy.Span, dx.Span, slope); break;
            default: throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }
}

/// <summary>Span kernels of the activations (also usable by fused layer code on the cpu backend).</summary>
internal static class CpuActivations
{
    private static ref float R(ReadOnlySpan<float> s) => ref MemoryMarshal.GetReference(s);

    // The Vector512 forms use CpuSimd's float exp and reciprocal (sigmoid; within 2 ulp, where Vector512.Exp widens to
    // double and costs about twice as much) and its rational tanh. The recurrent cells' gates use CpuSimd.GateSigmoid512
    // instead (cheaper, absolute accuracy only), which a standalone sigmoid, whose tiny outputs may matter, does not.
    public static Vector512<float> Sigmoid(Vector512<float> x)
    {
        var e = CpuSimd.Exp512(-Vector512.Abs(x));
        var r = CpuSimd.Reciprocal512(Vector512<float>.One + e);
        return Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(x, Vector512<float>.Zero), r, e * r);
    }

    public static Vector256<float> Sigmoid(Vector256<float> x)
    {
        var e = Vector256.Exp(-Vector256.Abs(x));
        var r = Vector256<float>.One / (Vector256<float>.One + e);
        return Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(x, Vector256<float>.Zero), r, e * r);
    }

    public static Vector512<float> Tanh(Vector512<float> x) => CpuSimd.Tanh512(x);

    public static Vector256<float> Tanh(Vector256<float> x)
    {
        var e = Vector256.Exp(Vector256.Create(-2f) * Vector256.Abs(x));
        var t = (Vector256<float>.One - e) / (Vector256<float>.One + e);
        return Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), -t, t);
    }

    public static void Sigmoid(ReadOnlySpan<float> x, Span<float> y)
    {
        int i = 0, n = y.Length;
        ref float rx = ref R(x), ry = ref R(y);
        if (Vector512.IsHardwareAccelerated)
            for (; i <= n - 16; i += 16) Sigmoid(Vector512.LoadUnsafe(ref rx, (nuint)i)).StoreUnsafe(ref ry, (nuint)i);
        else if (Vector256.IsHardwareAccelerated)
            for (; i <= n - 8; i += 8) Sigmoid(Vector256.LoadUnsafe(ref rx, (nuint)i)).StoreUnsafe(ref ry, (nuint)i);
        for (; i < n; i++) Unsafe.Add(ref ry, i) = ActivationMath.Sigmoid(Unsafe.Add(ref rx, i));
    }

    public static void Tanh(ReadOnlySpan<float> x, Span<float> y)
    {
        int i = 0, n = y.Length;
        ref float rx = ref R(x), ry = ref R(y);
        if (Vector512.IsHardwareAccelerated)
            for (; i <= n - 16; i += 16) Tanh(Vector512.LoadUnsafe(ref rx, (nuint)i)).StoreUnsafe(ref ry, (nuint)i);
        else if (Vector256.IsHardwareAccelerated)
            for (; i <= n - 8; i += 8) Tanh(Vector256.LoadUnsafe(ref rx, (nuint)i)).StoreUnsafe(ref ry, (nuint)i);
        for (; i < n; i++) Unsafe.Add(ref ry, i) = ActivationMath.Tanh(Unsafe.Add(ref rx, i));
    }

    /// <summary>y = x > 0 ? x : slope * x (slope 0 is relu).</summary>
    public static void LeakyRelu(ReadOnlySpan<float> x, Span<float> y, float slope)
    {
        int i = 0, n = y.Length;
        ref float rx = ref R(x), ry = ref R(y);
        if (Vector512.IsHardwareAccelerated)
            for (; i <= n - 16; i += 16)
            {
                var v = Vector512.LoadUnsafe(ref rx, (nuint)i);
                Vector512.ConditionalSelect(Vector512.GreaterThan(v, Vector512<float>.Zero), v, v * slope).StoreUnsafe(ref ry, (nuint)i);
            }
        else if (Vector256.IsHardwareAccelerated)
            for (; i <= n - 8; i += 8)
            {
                var v = Vector256.LoadUnsafe(ref rx, (nuint)i);
                Vector256.ConditionalSelect(Vector256.GreaterThan(v, Vector256<float>.Zero), v, v * slope).StoreUnsafe(ref ry, (nuint)i);
            }
        for (; i < n; i++)
        {
            float v = Unsafe.Add(ref rx, i);
            Unsafe.Add(ref ry, i) = v > 0f ? v : slope * v;
        }
    }

    /// <summary>dx = dy * y * (1 - y).</summary>
    public static void SigmoidBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        int i = 0, n = dx.Length;
        ref float ry = ref R(y), rd = ref R(dy), rx = ref R(dx);
        if (Vector512.IsHardwareAccelerated)
            for (; i <= n - 16; i += 16)
            {
                var v = Vector512.LoadUnsafe(ref ry, (nuint)i);
                (Vector512.LoadUnsafe(ref rd, (nuint)i) * v * (Vector512<float>.One - v)).StoreUnsafe(ref rx, (nuint)i);
            }
        else if (Vector256.IsHardwareAccelerated)
            for (; i <= n - 8; i += 8)
            {
                var v = Vector256.LoadUnsafe(ref ry, (nuint)i);
                (Vector256.LoadUnsafe(ref rd, (nuint)i) * v * (Vector256<float>.One - v)).StoreUnsafe(ref rx, (nuint)i);
            }
        for (; i < n; i++)
        {
            float v = Unsafe.Add(ref ry, i);
            Unsafe.Add(ref rx, i) = Unsafe.Add(ref rd, i) * v * (1f - v);
        }
    }

    /// <summary>dx = dy * (1 - y^2).</summary>
    public static void TanhBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        int i = 0, n = dx.Length;
        ref float ry = ref R(y), rd = ref R(dy), rx = ref R(dx);
        if (Vector512.IsHardwareAccelerated)
            for (; i <= n - 16; i += 16)
            {
                var v = Vector512.LoadUnsafe(ref ry, (nuint)i);
                (Vector512.LoadUnsafe(ref rd, (nuint)i) * (Vector512<float>.One - v * v)).StoreUnsafe(ref rx, (nuint)i);
            }
        else if (Vector256.IsHardwareAccelerated)
            for (; i <= n - 8; i += 8)
            {
                var v = Vector256.LoadUnsafe(ref ry, (nuint)i);
                (Vector256.LoadUnsafe(ref rd, (nuint)i) * (Vector256<float>.One - v * v)).StoreUnsafe(ref rx, (nuint)i);
            }
        for (; i < n; i++)
        {
            float v = Unsafe.Add(ref ry, i);
            Unsafe.Add(ref rx, i) = Unsafe.Add(ref rd, i) * (1f - v * v);
        }
    }

    /// <summary>dx = x > 0 ? dy : slope * dy.</summary>
    public static void LeakyReluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, float slope)
    {
        int i = 0, n = dx.Length;
        ref float rx = ref R(x), rd = ref R(dy), ro = ref R(dx);
        if (Vector512.IsHardwareAccelerated)
            for (; i <= n - 16; i += 16)
            {
                var d = Vector512.LoadUnsafe(ref rd, (nuint)i);
                var pos = Vector512.GreaterThan(Vector512.LoadUnsafe(ref rx, (nuint)i), Vector512<float>.Zero);
                Vector512.ConditionalSelect(pos, d, d * slope).StoreUnsafe(ref ro, (nuint)i);
            }
        else if (Vector256.IsHardwareAccelerated)
            for (; i <= n - 8; i += 8)
            {
                var d = Vector256.LoadUnsafe(ref rd, (nuint)i);
                var pos = Vector256.GreaterThan(Vector256.LoadUnsafe(ref rx, (nuint)i), Vector256<float>.Zero);
                Vector256.ConditionalSelect(pos, d, d * slope).StoreUnsafe(ref ro, (nuint)i);
            }
        for (; i < n; i++)
        {
            float d = Unsafe.Add(ref rd, i);
            Unsafe.Add(ref ro, i) = Unsafe.Add(ref rx, i) > 0f ? d : slope * d;
        }
    }
}
