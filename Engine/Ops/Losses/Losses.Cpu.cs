using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

public sealed partial class CpuBackend
{
    protected override double LossSumCore(LossKind kind, Tensor pred, Tensor target, Tensor? grad, float gradScale) =>
        CpuLoss.Sum(kind, pred.Span, target.Span, grad is null ? Span<float>.Empty : grad.Span, gradScale);
}

/// <summary>
/// One pass: the loss terms are summed in Vector512 lanes over blocks of 4096 elements, each block folded into a double
/// (so long tensors keep float32 rounding local), and the gradient is written in the same pass.
/// </summary>
internal static class CpuLoss
{
    private const int Block = 4096;

    public static double Sum(LossKind kind, ReadOnlySpan<float> p, ReadOnlySpan<float> t, Span<float> grad, float gradScale)
    {
        double total = 0;
        for (int start = 0; start < p.Length; start += Block)
        {
            int len = Math.Min(Block, p.Length - start);
            Span<float> g = grad.IsEmpty ? grad : grad.Slice(start, len);
            total += kind == LossKind.Squared
                ? SquaredBlock(p.Slice(start, len), t.Slice(start, len), g, gradScale)
                : AbsoluteBlock(p.Slice(start, len), t.Slice(start, len), g, gradScale);
        }
        return total;
    }

    private static ref float R(ReadOnlySpan<float> s) => ref MemoryMarshal.GetReference(s);

    private static float SquaredBlock(ReadOnlySpan<float> p, ReadOnlySpan<float> t, Span<float> grad, float scale)
    {
        int i = 0, n = p.Length;
        bool writeGrad = !grad.IsEmpty;
        ref float rp = ref R(p), rt = ref R(t), rg = ref R(grad);
        float sum = 0f;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            var acc = Vector512<float>.Zero;
            for (; i <= n - 16; i += 16)
            {
                var d = Vector512.LoadUnsafe(ref rp, (nuint)i) - Vector512.LoadUnsafe(ref rt, (nuint)i);
                acc = Vector512.FusedMultiplyAdd(d, d, acc);
                if (writeGrad) (d * scale).StoreUnsafe(ref rg, (nuint)i);
            }
            sum = Vector512.Sum(acc);
        }
        else if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            var acc = Vector256<float>.Zero;
            for (; i <= n - 8; i += 8)
            {
                var d = Vector256.LoadUnsafe(ref rp, (nuint)i) - Vector256.LoadUnsafe(ref rt, (nuint)i);
                acc = Vector256.FusedMultiplyAdd(d, d, acc);
                if (writeGrad) (d * scale).StoreUnsafe(ref rg, (nuint)i);
            }
            sum = Vector256.Sum(acc);
        }
        for (; i < n; i++)
        {
            float d = Unsafe.Add(ref rp, i) - Unsafe.Add(ref rt, i);
            sum += d * d;
            if (writeGrad) Unsafe.Add(ref rg, i) = d * scale;
        }
        return sum;
    }

    private static float AbsoluteBlock(ReadOnlySpan<float> p, ReadOnlySpan<float> t, Span<float> grad, float scale)
    {
        int i = 0, n = p.Length;
        bool writeGrad = !grad.IsEmpty;
        ref float rp = ref R(p), rt = ref R(t), rg = ref R(grad);
        float sum = 0f;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            var acc = Vector512<float>.Zero;
            var pos = Vector512.Create(scale);
            var neg = Vector512.Create(-scale);
            for (; i <= n - 16; i += 16)
            {
                var d = Vector512.LoadUnsafe(ref rp, (nuint)i) - Vector512.LoadUnsafe(ref rt, (nuint)i);
                acc += Vector512.Abs(d);
                if (writeGrad)
                {
                    var g = Vector512.ConditionalSelect(Vector512.GreaterThan(d, Vector512<float>.Zero), pos, Vector512<float>.Zero);
                    Vector512.ConditionalSelect(Vector512.LessThan(d, Vector512<float>.Zero), neg, g).StoreUnsafe(ref rg, (nuint)i);
                }
            }
            sum = Vector512.Sum(acc);
        }
        else if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            var acc = Vector256<float>.Zero;
            var pos = Vector256.Create(scale);
            var neg = Vector256.Create(-scale);
            for (; i <= n - 8; i += 8)
            {
                var d = Vector256.LoadUnsafe(ref rp, (nuint)i) - Vector256.LoadUnsafe(ref rt, (nuint)i);
                acc += Vector256.Abs(d);
                if (writeGrad)
                {
                    var g = Vector256.ConditionalSelect(Vector256.GreaterThan(d, Vector256<float>.Zero), pos, Vector256<float>.Zero);
                    Vector256.ConditionalSelect(Vector256.LessThan(d, Vector256<float>.Zero), neg, g).StoreUnsafe(ref rg, (nuint)i);
                }
            }
            sum = Vector256.Sum(acc);
        }
        for (; i < n; i++)
        {
            float d = Unsafe.Add(ref rp, i) - Unsafe.Add(ref rt, i);
            sum += MathF.Abs(d);
            if (writeGrad) Unsafe.Add(ref rg, i) = d > 0f ? scale : d < 0f ? -scale : 0f;
        }
        return sum;
    }
}
