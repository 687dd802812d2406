using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RnnEngine.Engine;

/// <summary>
/// Span kernels of the cpu backend's pointwise ops: a Vector512 loop, else a Vector256 loop, then a scalar tail.
/// Callers have checked the lengths, so loads use unchecked refs. Outputs may alias inputs (same index only).
/// </summary>
internal static class CpuSimd
{
    private static ref float R(ReadOnlySpan<float> s) => ref MemoryMarshal.GetReference(s);

    public static void Fill(Span<float> x, float value) => x.Fill(value);

    public static void Add(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y)
    {
        int i = 0, n = y.Length;
        ref float ra = ref R(a), rb = ref R(b), ry = ref R(y);
        if (Vector512.IsHardwareAccelerated)
            for (; i <= n - 16; i += 16)
                (Vector512.LoadUnsafe(ref ra, (nuint)i) + Vector512.LoadUnsafe(ref rb, (nuint)i)).StoreUnsafe(ref ry, (nuint)i);
        else if (Vector256.IsHardwareAccelerated)
            for (; i <= n - 8; i += 8)
                (Vector256.LoadUnsafe(ref ra, (nuint)i) + Vector256.LoadUnsafe(ref rb, (nuint)i)).StoreUnsafe(ref ry, (nuint)i);
        for (; i < n; i++) Unsafe.Add(ref ry, i) = Unsafe.Add(ref ra, i) + Unsafe.Add(ref rb, i);
    }

    public static void Mul(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y)
    {
        int i = 0, n = y.Length;
        ref float ra = ref R(a), rb = ref R(b), ry = ref R(y);
        if (Vector512.IsHardwareAccelerated)
            for (; i <= n - 16; i += 16)
                (Vector512.LoadUnsafe(ref ra, (nuint)i) * Vector512.LoadUnsafe(ref rb, (nuint)i)).StoreUnsafe(ref ry, (nuint)i);
        else if (Vector256.IsHardwareAccelerated)
            for (; i <= n - 8; i += 8)
                (Vector256.LoadUnsafe(ref ra, (nuint)i) * Vector256.LoadUnsafe(ref rb, (nuint)i)).StoreUnsafe(ref ry, (nuint)i);
        for (; i < n; i++) Unsafe.Add(ref ry, i) = Unsafe.Add(ref ra, i) * Unsafe.Add(ref rb, i);
    }

    /// <summary>y += alpha * x (fused multiply-add).</summary>
    public static void Axpy(float alpha, ReadOnlySpan<float> x, Span<float> y)
    {
        int i = 0, n = y.Length;
        ref float rx = ref R(x), ry = ref R(y);
        if (Vector512.IsHardwareAccelerated)
        {
            var va = Vector512.Create(alpha);
            for (; i <= n - 16; i += 16)
                Vector512.FusedMultiplyAdd(va, Vector512.LoadUnsafe(ref rx, (nuint)i), Vector512.LoadUnsafe(ref ry, (nuint)i)).StoreUnsafe(ref ry, (nuint)i);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var va = Vector256.Create(alpha);
            for (; i <= n - 8; i += 8)
                Vector256.FusedMultiplyAdd(va, Vector256.LoadUnsafe(ref rx, (nuint)i), Vector256.LoadUnsafe(ref ry, (nuint)i)).StoreUnsafe(ref ry, (nuint)i);
        }
        for (; i < n; i++) Unsafe.Add(ref ry, i) = MathF.FusedMultiplyAdd(alpha, Unsafe.Add(ref rx, i), Unsafe.Add(ref ry, i));
    }

    public static void Scale(Span<float> x, float alpha)
    {
        int i = 0, n = x.Length;
        ref float rx = ref R(x);
        if (Vector512.IsHardwareAccelerated)
            for (; i <= n - 16; i += 16)
                (Vector512.LoadUnsafe(ref rx, (nuint)i) * alpha).StoreUnsafe(ref rx, (nuint)i);
        else if (Vector256.IsHardwareAccelerated)
            for (; i <= n - 8; i += 8)
                (Vector256.LoadUnsafe(ref rx, (nuint)i) * alpha).StoreUnsafe(ref rx, (nuint)i);
        for (; i < n; i++) Unsafe.Add(ref rx, i) *= alpha;
    }

    /// <summary>Sum of x[i]^2, accumulated in float lanes and combined in double.</summary>
    public static double SumSquares(ReadOnlySpan<float> x)
    {
        int i = 0, n = x.Length;
        ref float rx = ref R(x);
        double total = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            // Blocks of 4096 keep the float lane sums short before they are folded into the double total.
            while (i <= n - 16)
            {
                var acc = Vector512<float>.Zero;
                int end = Math.Min(n - 15, i + 4096);
                for (; i < end; i += 16)
                {
                    var v = Vector512.LoadUnsafe(ref rx, (nuint)i);
                    acc = Vector512.FusedMultiplyAdd(v, v, acc);
                }
                total += Vector512.Sum(acc);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            while (i <= n - 8)
            {
                var acc = Vector256<float>.Zero;
                int end = Math.Min(n - 7, i + 4096);
                for (; i < end; i += 8)
                {
                    var v = Vector256.LoadUnsafe(ref rx, (nuint)i);
                    acc = Vector256.FusedMultiplyAdd(v, v, acc);
                }
                total += Vector256.Sum(acc);
            }
        }
        for (; i < n; i++)
        {
            float v = Unsafe.Add(ref rx, i);
            total += v * v;
        }
        return total;
    }
}
