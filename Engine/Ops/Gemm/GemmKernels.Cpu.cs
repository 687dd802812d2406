using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace RnnEngine.Engine;

/// <summary>
/// Register-blocked micro-kernels of the cpu GEMM: C[mr, nr] = alpha * Ap[mr, kc] * Bp[kc, nr] + beta * C on packed
/// panels (GemmPack). The accumulator tile lives in registers for the whole k loop: 8x32 uses 16 of the 32 zmm
/// registers, 6x16 uses 12 of the 16 ymm registers. Edge tiles (mr &lt; MR or nr &lt; NR) are computed in full on the
/// zero-padded panels and only their valid part is merged into C.
/// </summary>
internal static unsafe class GemmKernels
{
    public const int Mr512 = 8, Nr512 = 32, Mr256 = 6, Nr256 = 16, MrScalar = 4, NrScalar = 8;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]  // straight to optimised code: no tier-0 pass through the hot loop
    public static void Kernel8x32(int kc, float* ap, float* bp, float* c, int ldc, float alpha, float beta, int mr, int nr, float* tmp)
    {
        Vector512<float> c00 = default, c01 = default;
        Vector512<float> c10 = default, c11 = default;
        Vector512<float> c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default;
        Vector512<float> c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default;
        Vector512<float> c70 = default, c71 = default;
        Vector512<float> a;
        int p = 0;
        // Two k steps per iteration halve the loop overhead relative to the 32 FMAs.
        for (; p + 2 <= kc; p += 2)
        {
            var b0 = Vector512.Load(bp); var b1 = Vector512.Load(bp + 16);
            a = Vector512.Create(ap[0]); c00 = Vector512.FusedMultiplyAdd(a, b0, c00); c01 = Vector512.FusedMultiplyAdd(a, b1, c01);
            a = Vector512.Create(ap[1]); c10 = Vector512.FusedMultiplyAdd(a, b0, c10); c11 = Vector512.FusedMultiplyAdd(a, b1, c11);
            a = Vector512.Create(ap[2]); c20 = Vector512.FusedMultiplyAdd(a, b0, c20); c21 = Vector512.FusedMultiplyAdd(a, b1, c21);
            a = Vector512.Create(ap[3]); c30 = Vector512.FusedMultiplyAdd(a, b0, c30); c31 = Vector512.FusedMultiplyAdd(a, b1, c31);
            a = Vector512.Create(ap[4]); c40 = Vector512.FusedMultiplyAdd(a, b0, c40); c41 = Vector512.FusedMultiplyAdd(a, b1, c41);
            a = Vector512.Create(ap[5]); c50 = Vector512.FusedMultiplyAdd(a, b0, c50); c51 = Vector512.FusedMultiplyAdd(a, b1, c51);
            a = Vector512.Create(ap[6]); c60 = Vector512.FusedMultiplyAdd(a, b0, c60); c61 = Vector512.FusedMultiplyAdd(a, b1, c61);
            a = Vector512.Create(ap[7]); c70 = Vector512.FusedMultiplyAdd(a, b0, c70); c71 = Vector512.FusedMultiplyAdd(a, b1, c71);
            ap += 8; bp += 32;
            b0 = Vector512.Load(bp); b1 = Vector512.Load(bp + 16);
            a = Vector512.Create(ap[0]); c00 = Vector512.FusedMultiplyAdd(a, b0, c00); c01 = Vector512.FusedMultiplyAdd(a, b1, c01);
            a = Vector512.Create(ap[1]); c10 = Vector512.FusedMultiplyAdd(a, b0, c10); c11 = Vector512.FusedMultiplyAdd(a, b1, c11);
            a = Vector512.Create(ap[2]); c20 = Vector512.FusedMultiplyAdd(a, b0, c20); c21 = Vector512.FusedMultiplyAdd(a, b1, c21);
            a = Vector512.Create(ap[3]); c30 = Vector512.FusedMultiplyAdd(a, b0, c30); c31 = Vector512.FusedMultiplyAdd(a, b1, c31);
            a = Vector512.Create(ap[4]); c40 = Vector512.FusedMultiplyAdd(a, b0, c40); c41 = Vector512.FusedMultiplyAdd(a, b1, c41);
            a = Vector512.Create(ap[5]); c50 = Vector512.FusedMultiplyAdd(a, b0, c50); c51 = Vector512.FusedMultiplyAdd(a, b1, c51);
            a = Vector512.Create(ap[6]); c60 = Vector512.FusedMultiplyAdd(a, b0, c60); c61 = Vector512.FusedMultiplyAdd(a, b1, c61);
            a = Vector512.Create(ap[7]); c70 = Vector512.FusedMultiplyAdd(a, b0, c70); c71 = Vector512.FusedMultiplyAdd(a, b1, c71);
            ap += 8; bp += 32;
        }
        if (p < kc)
        {
            var b0 = Vector512.Load(bp); var b1 = Vector512.Load(bp + 16);
            a = Vector512.Create(ap[0]); c00 = Vector512.FusedMultiplyAdd(a, b0, c00); c01 = Vector512.FusedMultiplyAdd(a, b1, c01);
            a = Vector512.Create(ap[1]); c10 = Vector512.FusedMultiplyAdd(a, b0, c10); c11 = Vector512.FusedMultiplyAdd(a, b1, c11);
            a = Vector512.Create(ap[2]); c20 = Vector512.FusedMultiplyAdd(a, b0, c20); c21 = Vector512.FusedMultiplyAdd(a, b1, c21);
            a = Vector512.Create(ap[3]); c30 = Vector512.FusedMultiplyAdd(a, b0, c30); c31 = Vector512.FusedMultiplyAdd(a, b1, c31);
            a = Vector512.Create(ap[4]); c40 = Vector512.FusedMultiplyAdd(a, b0, c40); c41 = Vector512.FusedMultiplyAdd(a, b1, c41);
            a = Vector512.Create(ap[5]); c50 = Vector512.FusedMultiplyAdd(a, b0, c50); c51 = Vector512.FusedMultiplyAdd(a, b1, c51);
            a = Vector512.Create(ap[6]); c60 = Vector512.FusedMultiplyAdd(a, b0, c60); c61 = Vector512.FusedMultiplyAdd(a, b1, c61);
            a = Vector512.Create(ap[7]); c70 = Vector512.FusedMultiplyAdd(a, b0, c70); c71 = Vector512.FusedMultiplyAdd(a, b1, c71);
        }
        bool betaZero = beta == 0f;
        if (mr == 8 && nr == 32)
        {
            var va = Vector512.Create(alpha); var vb = Vector512.Create(beta);
            Store512(c + 0L * ldc, c00, c01, va, vb, betaZero);
            Store512(c + 1L * ldc, c10, c11, va, vb, betaZero);
            Store512(c + 2L * ldc, c20, c21, va, vb, betaZero);
            Store512(c + 3L * ldc, c30, c31, va, vb, betaZero);
            Store512(c + 4L * ldc, c40, c41, va, vb, betaZero);
            Store512(c + 5L * ldc, c50, c51, va, vb, betaZero);
            Store512(c + 6L * ldc, c60, c61, va, vb, betaZero);
            Store512(c + 7L * ldc, c70, c71, va, vb, betaZero);
            return;
        }
        Vector512.Store(c00, tmp + 0); Vector512.Store(c01, tmp + 16);
        Vector512.Store(c10, tmp + 32); Vector512.Store(c11, tmp + 48);
        Vector512.Store(c20, tmp + 64); Vector512.Store(c21, tmp + 80);
        Vector512.Store(c30, tmp + 96); Vector512.Store(c31, tmp + 112);
        Vector512.Store(c40, tmp + 128); Vector512.Store(c41, tmp + 144);
        Vector512.Store(c50, tmp + 160); Vector512.Store(c51, tmp + 176);
        Vector512.Store(c60, tmp + 192); Vector512.Store(c61, tmp + 208);
        Vector512.Store(c70, tmp + 224); Vector512.Store(c71, tmp + 240);
        MergeEdge(tmp, 32, c, ldc, alpha, beta, mr, nr);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store512(float* c, Vector512<float> x0, Vector512<float> x1, Vector512<float> va, Vector512<float> vb, bool betaZero)
    {
        if (betaZero)
        {
            Vector512.Store(x0 * va, c);
            Vector512.Store(x1 * va, c + 16);
        }
        else
        {
            Vector512.Store(Vector512.FusedMultiplyAdd(x0, va, Vector512.Load(c) * vb), c);
            Vector512.Store(Vector512.FusedMultiplyAdd(x1, va, Vector512.Load(c + 16) * vb), c + 16);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel6x16(int kc, float* ap, float* bp, float* c, int ldc, float alpha, float beta, int mr, int nr, float* tmp)
    {
        Vector256<float> c00 = default, c01 = default;
        Vector256<float> c10 = default, c11 = default;
        Vector256<float> c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default;
        Vector256<float> c40 = default, c41 = default;
        Vector256<float> c50 = default, c51 = default;
        Vector256<float> a;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(bp); var b1 = Vector256.Load(bp + 8);
            a = Vector256.Create(ap[0]); c00 = Vector256.FusedMultiplyAdd(a, b0, c00); c01 = Vector256.FusedMultiplyAdd(a, b1, c01);
            a = Vector256.Create(ap[1]); c10 = Vector256.FusedMultiplyAdd(a, b0, c10); c11 = Vector256.FusedMultiplyAdd(a, b1, c11);
            a = Vector256.Create(ap[2]); c20 = Vector256.FusedMultiplyAdd(a, b0, c20); c21 = Vector256.FusedMultiplyAdd(a, b1, c21);
            a = Vector256.Create(ap[3]); c30 = Vector256.FusedMultiplyAdd(a, b0, c30); c31 = Vector256.FusedMultiplyAdd(a, b1, c31);
            a = Vector256.Create(ap[4]); c40 = Vector256.FusedMultiplyAdd(a, b0, c40); c41 = Vector256.FusedMultiplyAdd(a, b1, c41);
            a = Vector256.Create(ap[5]); c50 = Vector256.FusedMultiplyAdd(a, b0, c50); c51 = Vector256.FusedMultiplyAdd(a, b1, c51);
            ap += 6; bp += 16;
        }
        bool betaZero = beta == 0f;
        if (mr == 6 && nr == 16)
        {
            var va = Vector256.Create(alpha); var vb = Vector256.Create(beta);
            Store256(c + 0L * ldc, c00, c01, va, vb, betaZero);
            Store256(c + 1L * ldc, c10, c11, va, vb, betaZero);
            Store256(c + 2L * ldc, c20, c21, va, vb, betaZero);
            Store256(c + 3L * ldc, c30, c31, va, vb, betaZero);
            Store256(c + 4L * ldc, c40, c41, va, vb, betaZero);
            Store256(c + 5L * ldc, c50, c51, va, vb, betaZero);
            return;
        }
        Vector256.Store(c00, tmp + 0); Vector256.Store(c01, tmp + 8);
        Vector256.Store(c10, tmp + 16); Vector256.Store(c11, tmp + 24);
        Vector256.Store(c20, tmp + 32); Vector256.Store(c21, tmp + 40);
        Vector256.Store(c30, tmp + 48); Vector256.Store(c31, tmp + 56);
        Vector256.Store(c40, tmp + 64); Vector256.Store(c41, tmp + 72);
        Vector256.Store(c50, tmp + 80); Vector256.Store(c51, tmp + 88);
        MergeEdge(tmp, 16, c, ldc, alpha, beta, mr, nr);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store256(float* c, Vector256<float> x0, Vector256<float> x1, Vector256<float> va, Vector256<float> vb, bool betaZero)
    {
        if (betaZero)
        {
            Vector256.Store(x0 * va, c);
            Vector256.Store(x1 * va, c + 8);
        }
        else
        {
            Vector256.Store(Vector256.FusedMultiplyAdd(x0, va, Vector256.Load(c) * vb), c);
            Vector256.Store(Vector256.FusedMultiplyAdd(x1, va, Vector256.Load(c + 8) * vb), c + 8);
        }
    }

    /// <summary>The fallback without SIMD: same packed layout, a 4x8 tile accumulated in a scratch array.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void KernelScalar(int kc, float* ap, float* bp, float* c, int ldc, float alpha, float beta, int mr, int nr, float* tmp)
    {
        for (int i = 0; i < MrScalar * NrScalar; i++) tmp[i] = 0f;
        for (int p = 0; p < kc; p++)
        {
            for (int i = 0; i < MrScalar; i++)
            {
                float av = ap[i];
                float* t = tmp + i * NrScalar;
                for (int j = 0; j < NrScalar; j++) t[j] = MathF.FusedMultiplyAdd(av, bp[j], t[j]);
            }
            ap += MrScalar; bp += NrScalar;
        }
        MergeEdge(tmp, NrScalar, c, ldc, alpha, beta, mr, nr);
    }

    /// <summary>C[i, j] = alpha * tile[i, j] + beta * C[i, j] for the valid mr x nr part; beta = 0 never reads C.</summary>
    private static void MergeEdge(float* tile, int ldt, float* c, int ldc, float alpha, float beta, int mr, int nr)
    {
        for (int i = 0; i < mr; i++)
        {
            float* t = tile + i * ldt, row = c + (long)i * ldc;
            if (beta == 0f)
                for (int j = 0; j < nr; j++) row[j] = alpha * t[j];
            else
                for (int j = 0; j < nr; j++) row[j] = MathF.FusedMultiplyAdd(alpha, t[j], beta * row[j]);
        }
    }
}
