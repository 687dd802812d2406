using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

public sealed partial class CpuBackend
{
    protected override void SoftmaxCore(int rows, int cols, Tensor x, Tensor y)
    {
        Span<float> xs = x.Span, ys = y.Span;
        for (int n = 0; n < rows; n++) CpuSoftmax.Row(xs.Slice(n * cols, cols), ys.Slice(n * cols, cols));
    }

    protected override void SoftmaxBackwardCore(int rows, int cols, Tensor y, Tensor dy, Tensor dx)
    {
        Span<float> ys = y.Span, dys = dy.Span, dxs = dx.Span;
        for (int n = 0; n < rows; n++)
            CpuSoftmax.BackwardRow(ys.Slice(n * cols, cols), dys.Slice(n * cols, cols), dxs.Slice(n * cols, cols));
    }
}

internal static class CpuSoftmax
{
    private static ref float R(ReadOnlySpan<float> s) => ref MemoryMarshal.GetReference(s);

    /// <summary>y = softmax(x) of one row: max, then exp(x - max) into y with its sum, then one scaling pass.</summary>
    public static void Row(ReadOnlySpan<float> x, Span<float> y)
    {
        float max = CpuReduce.Max(x);
        int i = 0, n = x.Length;
        ref float rx = ref R(x), ry = ref R(y);
        float sum = 0f;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            var vm = Vector512.Create(max);
            var acc = Vector512<float>.Zero;
            for (; i <= n - 16; i += 16)
            {
                var e = Vector512.Exp(Vector512.LoadUnsafe(ref rx, (nuint)i) - vm);
                e.StoreUnsafe(ref ry, (nuint)i);
                acc += e;
            }
            sum = Vector512.Sum(acc);
        }
        else if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            var vm = Vector256.Create(max);
            var acc = Vector256<float>.Zero;
            for (; i <= n - 8; i += 8)
            {
                var e = Vector256.Exp(Vector256.LoadUnsafe(ref rx, (nuint)i) - vm);
                e.StoreUnsafe(ref ry, (nuint)i);
                acc += e;
            }
            sum = Vector256.Sum(acc);
        }
        for (; i < n; i++) sum += Unsafe.Add(ref ry, i) = MathF.Exp(Unsafe.Add(ref rx, i) - max);
        CpuSimd.Scale(y, 1f / sum);
    }

    /// <summary>dx = y * (dy - dot(dy, y)) of one row.</summary>
    public static void BackwardRow(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        float dot = CpuReduce.Dot(dy, y);
        int i = 0, n = y.Length;
        ref float ry = ref R(y), rd = ref R(dy), rx = ref R(dx);
        if (Vector512.IsHardwareAccelerated)
        {
            var vd = Vector512.Create(dot);
            for (; i <= n - 16; i += 16)
                (Vector512.LoadUnsafe(ref ry, (nuint)i) * (Vector512.LoadUnsafe(ref rd, (nuint)i) - vd)).StoreUnsafe(ref rx, (nuint)i);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var vd = Vector256.Create(dot);
            for (; i <= n - 8; i += 8)
                (Vector256.LoadUnsafe(ref ry, (nuint)i) * (Vector256.LoadUnsafe(ref rd, (nuint)i) - vd)).StoreUnsafe(ref rx, (nuint)i);
        }
        for (; i < n; i++) Unsafe.Add(ref rx, i) = Unsafe.Add(ref ry, i) * (Unsafe.Add(ref rd, i) - dot);
    }
}
