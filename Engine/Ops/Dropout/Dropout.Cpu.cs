using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using RnnEngine.Engine.Rng;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

public sealed partial class CpuBackend
{
    protected override void DropoutCore(Tensor x, Tensor y, Tensor mask, float p, float scale, ulong seed, ulong offset) =>
        CpuDropout.Apply(x.Span, y.Span, mask.Span, p, scale, seed, offset);
}

/// <summary>
/// Dropout with CounterRng evaluated 16 counters at a time in two Vector512&lt;ulong&gt; (the same SplitMix64 finaliser, lane
/// by lane), so the mask is bit-identical to the scalar CounterRng.Uniform. Without AVX-512 the scalar loop runs: a
/// 64-bit multiply has no Vector256 instruction before AVX-512, so a 256-bit version would not be faster.
/// </summary>
internal static class CpuDropout
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL, Increment = 0x632BE59BD9B4E019UL;
    private const ulong Mix1 = 0xBF58476D1CE4E5B9UL, Mix2 = 0x94D049BB133111EBUL;

    private static ref float R(ReadOnlySpan<float> s) => ref MemoryMarshal.GetReference(s);

    /// <summary>CounterRng.Hash for the 8 counters held in <paramref name="z"/> after seed * Golden + Increment was added.</summary>
    private static Vector512<ulong> Finalise(Vector512<ulong> z)
    {
        z = (z ^ Vector512.ShiftRightLogical(z, 30)) * Vector512.Create(Mix1);
        z = (z ^ Vector512.ShiftRightLogical(z, 27)) * Vector512.Create(Mix2);
        return z ^ Vector512.ShiftRightLogical(z, 31);
    }

    public static void Apply(ReadOnlySpan<float> x, Span<float> y, Span<float> mask, float p, float scale, ulong seed, ulong offset)
    {
        int i = 0, n = x.Length;
        ref float rx = ref R(x), ry = ref R(y), rm = ref R(mask);
        if (Vector512.IsHardwareAccelerated)
        {
            ulong start = unchecked(seed * Golden + offset + Increment);
            var lanes = Vector512.Create(0UL, 1UL, 2UL, 3UL, 4UL, 5UL, 6UL, 7UL);
            var vp = Vector512.Create(p);
            var vscale = Vector512.Create(scale);
            for (; i <= n - 16; i += 16)
            {
                var lo = Finalise(Vector512.Create(start + (ulong)i) + lanes);
                var hi = Finalise(Vector512.Create(start + (ulong)i + 8) + lanes);
                // The top 24 bits of each hash, exactly as CounterRng.Uniform takes them: exact in int and in float.
                var bits = Vector512.Narrow(Vector512.ShiftRightLogical(lo, 40), Vector512.ShiftRightLogical(hi, 40)).AsInt32();
                var u = Vector512.ConvertToSingle(bits) * (1.0f / 16777216.0f);
                var m = Vector512.ConditionalSelect(Vector512.LessThan(u, vp), Vector512<float>.Zero, vscale);
                m.StoreUnsafe(ref rm, (nuint)i);
                (Vector512.LoadUnsafe(ref rx, (nuint)i) * m).StoreUnsafe(ref ry, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float m = CounterRng.Uniform(seed, offset + (ulong)i) < p ? 0f : scale;
            Unsafe.Add(ref rm, i) = m;
            Unsafe.Add(ref ry, i) = Unsafe.Add(ref rx, i) * m;
        }
    }
}
