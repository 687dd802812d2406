using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RnnEngine.Engine;

/// <summary>
/// Span kernels of the cpu backend's pointwise ops: a Vector512 loop, else a Vector256 loop, then a scalar tail.
/// Callers have checked the lengths, so loads use unchecked refs. Outputs may alias inputs (same index only).
/// </summary>
internal static class CpuSimd
{
    private static ref float R(ReadOnlySpan<float> s) => ref MemoryMarshal.GetReference(s);

    /// <summary>
    /// 1 / d from the 14-bit hardware estimate and one Newton step (within 1 ulp for d &gt;= 1, which is all the cell
    /// passes divide by): a quarter of a division's cost. Falls back to division without AVX-512F.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Reciprocal512(Vector512<float> d)
    {
        if (!Avx512F.IsSupported) return Vector512<float>.One / d;
        var r = Avx512F.Reciprocal14(d);
        return Vector512.FusedMultiplyAdd(r, Vector512.FusedMultiplyAdd(-d, r, Vector512<float>.One), r);
    }

    /// <summary>
    /// e^x in float arithmetic (Cephes expf: x = n ln2 + r, |r| &lt;= ln2/2, degree-6 polynomial, 2^n from the exponent
    /// bits), within 2 ulp of the exact value. Vector512.Exp widens to double and costs about twice as much; the cell
    /// passes spend most of their time here. x is clamped to [-87, 88] (results 1.6e-38 .. 1.7e38, never inf or
    /// denormal), which the sigmoid and tanh built on it saturate through; NaN stays NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp512(Vector512<float> x)
    {
        x = Vector512.Min(Vector512.Max(x, Vector512.Create(-87f)), Vector512.Create(88f));
        // t = x log2(e) + 1.5 * 2^23 rounds n to the nearest integer and leaves it in t's low mantissa bits.
        var t = Vector512.FusedMultiplyAdd(x, Vector512.Create(1.44269504088896341f), Vector512.Create(12582912f));
        var n = t - Vector512.Create(12582912f);
        var r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-0.693359375f), x);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(2.12194440e-4f), r);
        var p = Vector512.Create(1.9875691500e-4f);
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.3981999507e-3f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(8.3334519073e-3f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(4.1665795894e-2f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.6666665459e-1f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(5.0000001201e-1f));
        p = Vector512.FusedMultiplyAdd(p, r * r, r + Vector512<float>.One);
        // 2^n: n + 127 into the exponent field (t's bits are 0x4B400000 + n).
        var pow2 = Vector512.ShiftLeft(t.AsInt32() + Vector512.Create(127 - 0x4B400000), 23).AsSingle();
        return p * pow2;
    }

    /// <summary>
    /// tanh(x) as a [13/6] rational minimax approximation in x (the coefficients Eigen uses for float tanh), x clamped to
    /// +-7.9053 where tanh is 1 in float: within 4e-7 relative error of the exact value (about 7 ulp at worst, near
    /// |x| = 5.8; exact odd symmetry, and relative accuracy kept near 0, which 1 - 2 / (e^2x + 1) loses). 14 vector
    /// ops and a division against about 27 for the exp-based form: the attention scores and the cells spend most of
    /// their time here.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Tanh512(Vector512<float> x)
    {
        x = Vector512.Min(Vector512.Max(x, Vector512.Create(-7.90531110763549805f)), Vector512.Create(7.90531110763549805f));
        var x2 = x * x;
        var p = Vector512.FusedMultiplyAdd(x2, Vector512.Create(-2.76076847742355e-16f), Vector512.Create(2.00018790482477e-13f));
        p = Vector512.FusedMultiplyAdd(p, x2, Vector512.Create(-8.60467152213735e-11f));
        p = Vector512.FusedMultiplyAdd(p, x2, Vector512.Create(5.12229709037114e-08f));
        p = Vector512.FusedMultiplyAdd(p, x2, Vector512.Create(1.48572235717979e-05f));
        p = Vector512.FusedMultiplyAdd(p, x2, Vector512.Create(6.37261928875436e-04f));
        p = Vector512.FusedMultiplyAdd(p, x2, Vector512.Create(4.89352455891786e-03f));
        var q = Vector512.FusedMultiplyAdd(x2, Vector512.Create(1.19825839466702e-06f), Vector512.Create(1.18534705686654e-04f));
        q = Vector512.FusedMultiplyAdd(q, x2, Vector512.Create(2.26843463243900e-03f));
        q = Vector512.FusedMultiplyAdd(q, x2, Vector512.Create(4.89352518554385e-03f));
        // q >= 4.9e-3 > 0. A true division: it runs on the divider beside the FMA pipes, which the polynomials and the
        // GEMMs around it keep busy (measured faster than the reciprocal estimate with its two Newton FMAs).
        return x * p / q;
    }

    /// <summary>
    /// The sigmoid of the LSTM and GRU gates as 1/2 + tanh(x/2)/2 through <see cref="Tanh512"/>'s rational: 17 vector ops
    /// and a division against about 24 for 1 / (1 + e^-x). Within 3e-7 absolute error; the relative error grows where
    /// the sigmoid falls below 1e-6 (x &lt; -14), which a gate never tells from 0. NaN stays NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> GateSigmoid512(Vector512<float> x)
    {
        var half = Vector512.Create(0.5f);
        return Vector512.FusedMultiplyAdd(Tanh512(x * half), half, half);
    }

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
