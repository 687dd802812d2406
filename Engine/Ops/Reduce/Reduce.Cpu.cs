using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

public sealed partial class CpuBackend
{
    protected override void ReduceRowsCore(ReductionKind kind, int rows, int cols, Tensor x, Tensor y)
    {
        Span<float> xs = x.Span, ys = y.Span;
        for (int n = 0; n < rows; n++)
        {
            ReadOnlySpan<float> row = xs.Slice(n * cols, cols);
            ys[n] = kind switch
            {
                ReductionKind.Sum => CpuReduce.Sum(row),
                ReductionKind.Mean => CpuReduce.Sum(row) / cols,
                _ => CpuReduce.Max(row),
            };
        }
    }

    protected override void ReduceRowsBackwardCore(ReductionKind kind, int rows, int cols, Tensor x, Tensor y, Tensor dy, Tensor dx)
    {
        Span<float> xs = x.Span, ys = y.Span, dys = dy.Span, dxs = dx.Span;
        for (int n = 0; n < rows; n++)
        {
            Span<float> drow = dxs.Slice(n * cols, cols);
            switch (kind)
            {
                case ReductionKind.Sum: drow.Fill(dys[n]); break;
                case ReductionKind.Mean: drow.Fill(dys[n] / cols); break;
                default:
                    drow.Clear();
                    int arg = xs.Slice(n * cols, cols).IndexOf(ys[n]);
                    drow[arg < 0 ? 0 : arg] = dys[n];
                    break;
            }
        }
    }
}

/// <summary>Horizontal reductions of one span (Vector512, else Vector256, then a scalar tail).</summary>
internal static class CpuReduce
{
    private static ref float R(ReadOnlySpan<float> s) => ref MemoryMarshal.GetReference(s);

    public static float Sum(ReadOnlySpan<float> x)
    {
        int i = 0, n = x.Length;
        ref float rx = ref R(x);
        float sum = 0f;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            var acc = Vector512<float>.Zero;
            for (; i <= n - 16; i += 16) acc += Vector512.LoadUnsafe(ref rx, (nuint)i);
            sum = Vector512.Sum(acc);
        }
        else if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            var acc = Vector256<float>.Zero;
            for (; i <= n - 8; i += 8) acc += Vector256.LoadUnsafe(ref rx, (nuint)i);
            sum = Vector256.Sum(acc);
        }
        for (; i < n; i++) sum += Unsafe.Add(ref rx, i);
        return sum;
    }

    public static float Max(ReadOnlySpan<float> x)
    {
        int i = 0, n = x.Length;
        ref float rx = ref R(x);
        float max = float.NegativeInfinity;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            var acc = Vector512.Create(float.NegativeInfinity);
            for (; i <= n - 16; i += 16) acc = Vector512.Max(acc, Vector512.LoadUnsafe(ref rx, (nuint)i));
            for (int l = 0; l < 16; l++) max = MathF.Max(max, acc[l]);
        }
        else if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            var acc = Vector256.Create(float.NegativeInfinity);
            for (; i <= n - 8; i += 8) acc = Vector256.Max(acc, Vector256.LoadUnsafe(ref rx, (nuint)i));
            for (int l = 0; l < 8; l++) max = MathF.Max(max, acc[l]);
        }
        for (; i < n; i++) max = MathF.Max(max, Unsafe.Add(ref rx, i));
        return max;
    }

    /// <summary>Sum of a[i] * b[i].</summary>
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int i = 0, n = a.Length;
        ref float ra = ref R(a), rb = ref R(b);
        float sum = 0f;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            var acc = Vector512<float>.Zero;
            for (; i <= n - 16; i += 16)
                acc = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref ra, (nuint)i), Vector512.LoadUnsafe(ref rb, (nuint)i), acc);
            sum = Vector512.Sum(acc);
        }
        else if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            var acc = Vector256<float>.Zero;
            for (; i <= n - 8; i += 8)
                acc = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref ra, (nuint)i), Vector256.LoadUnsafe(ref rb, (nuint)i), acc);
            sum = Vector256.Sum(acc);
        }
        for (; i < n; i++) sum = MathF.FusedMultiplyAdd(Unsafe.Add(ref ra, i), Unsafe.Add(ref rb, i), sum);
        return sum;
    }
}
