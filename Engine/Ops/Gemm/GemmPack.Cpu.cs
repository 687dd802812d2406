using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RnnEngine.Engine;

/// <summary>
/// Packing for the cpu GEMM: copies a block of op(A) or op(B) into the order the micro-kernel reads it, so every
/// transpose combination runs the same kernel on contiguous, zero-padded panels.
/// </summary>
internal static unsafe class GemmPack
{
    /// <summary>
    /// A micro-panel: rows [i0, i0+mr) and columns [p0, p0+kc) of op(A) into ap[p * mr_ + r] (mr_ = the kernel's MR),
    /// rows past mr zero. A is [M, K] row-major, or [K, M] when transA.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackA(float* a, bool transA, int m, int k, int i0, int mr, int p0, int kc, float* ap, int mrFull)
    {
        if (transA)
        {
            // op(A)[i, p] = A[p, i]: each packed k-step is a contiguous run of A's row p.
            if (mr == 8 && mrFull == 8 && Vector256.IsHardwareAccelerated)
            {
                float* src8 = a + (long)p0 * m + i0;
                for (int p = 0; p < kc; p++) Vector256.Store(Vector256.Load(src8 + (long)p * m), ap + p * 8);
                return;
            }
            for (int p = 0; p < kc; p++)
            {
                float* src = a + (long)(p0 + p) * m + i0;
                float* dst = ap + p * mrFull;
                int r = 0;
                for (; r < mr; r++) dst[r] = src[r];
                for (; r < mrFull; r++) dst[r] = 0f;
            }
            return;
        }
        float* rows = a + (long)i0 * k + p0;
        int pDone = 0;
        if (mrFull == 8 && mr == 8 && Avx.IsSupported)
            for (; pDone + 8 <= kc; pDone += 8) Transpose8x8(rows + pDone, k, ap + pDone * 8, 8);
        for (int p = pDone; p < kc; p++)
        {
            float* dst = ap + p * mrFull;
            int r = 0;
            for (; r < mr; r++) dst[r] = rows[(long)r * k + p];
            for (; r < mrFull; r++) dst[r] = 0f;
        }
    }

    /// <summary>
    /// A block of op(B): rows [p0, p0+kc), columns [j0, j0+nc) into panels of nrFull columns; panel q starts at
    /// bp + q * kc * nrFull and holds element (p, j) at p * nrFull + j, columns past nc zero. B is [K, N], or [N, K] when transB.
    /// </summary>
    public static void PackB(float* b, bool transB, int n, int k, int p0, int kc, int j0, int nc, float* bp, int nrFull)
    {
        for (int q = 0; q * nrFull < nc; q++)
        {
            int jq = j0 + q * nrFull, nr = Math.Min(nrFull, nc - q * nrFull);
            float* panel = bp + (long)q * kc * nrFull;
            if (!transB) PackRowsOfB(b + (long)p0 * n + jq, n, kc, nr, panel, nrFull);
            else PackColumnsOfB(b + (long)jq * k + p0, k, kc, nr, panel, nrFull);
        }
    }

    // op(B) = B: packed row p is a contiguous run of B's row p.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackRowsOfB(float* src, int ldb, int kc, int nr, float* panel, int nrFull)
    {
        if (nr == nrFull && nrFull == 32 && Vector512.IsHardwareAccelerated)
        {
            for (int p = 0; p < kc; p++)
            {
                float* s = src + (long)p * ldb;
                Vector512.Store(Vector512.Load(s), panel + p * 32);
                Vector512.Store(Vector512.Load(s + 16), panel + p * 32 + 16);
            }
            return;
        }
        for (int p = 0; p < kc; p++)
        {
            float* s = src + (long)p * ldb, d = panel + p * nrFull;
            int j = 0;
            for (; j < nr; j++) d[j] = s[j];
            for (; j < nrFull; j++) d[j] = 0f;
        }
    }

    // op(B) = B^T: column j of the panel is a contiguous run of B's row j; 8x8 transposes keep it vectorised.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackColumnsOfB(float* src, int ldb, int kc, int nr, float* panel, int nrFull)
    {
        int jDone = 0;
        if (Avx.IsSupported)
        {
            int kc8 = kc & ~7;
            for (; jDone + 8 <= nr; jDone += 8)
                for (int p = 0; p < kc8; p += 8)
                    Transpose8x8(src + (long)jDone * ldb + p, ldb, panel + p * nrFull + jDone, nrFull);
            for (int p = kc8; p < kc; p++)
                for (int j = 0; j < jDone; j++) panel[p * nrFull + j] = src[(long)j * ldb + p];
        }
        for (int p = 0; p < kc; p++)
        {
            float* d = panel + p * nrFull;
            int j = jDone;
            for (; j < nr; j++) d[j] = src[(long)j * ldb + p];
            for (; j < nrFull; j++) d[j] = 0f;
        }
    }

    /// <summary>dst[c * dstStride + r] = src[r * srcStride + c] for an 8x8 block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(float* src, int srcStride, float* dst, int dstStride)
    {
        var r0 = Avx.LoadVector256(src);
        var r1 = Avx.LoadVector256(src + srcStride);
        var r2 = Avx.LoadVector256(src + 2L * srcStride);
        var r3 = Avx.LoadVector256(src + 3L * srcStride);
        var r4 = Avx.LoadVector256(src + 4L * srcStride);
        var r5 = Avx.LoadVector256(src + 5L * srcStride);
        var r6 = Avx.LoadVector256(src + 6L * srcStride);
        var r7 = Avx.LoadVector256(src + 7L * srcStride);
        var t0 = Avx.UnpackLow(r0, r1); var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3); var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5); var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7); var t7 = Avx.UnpackHigh(r6, r7);
        var s0 = Avx.Shuffle(t0, t2, 0x44); var s1 = Avx.Shuffle(t0, t2, 0xEE);
        var s2 = Avx.Shuffle(t1, t3, 0x44); var s3 = Avx.Shuffle(t1, t3, 0xEE);
        var s4 = Avx.Shuffle(t4, t6, 0x44); var s5 = Avx.Shuffle(t4, t6, 0xEE);
        var s6 = Avx.Shuffle(t5, t7, 0x44); var s7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(dst, Avx.Permute2x128(s0, s4, 0x20));
        Avx.Store(dst + dstStride, Avx.Permute2x128(s1, s5, 0x20));
        Avx.Store(dst + 2L * dstStride, Avx.Permute2x128(s2, s6, 0x20));
        Avx.Store(dst + 3L * dstStride, Avx.Permute2x128(s3, s7, 0x20));
        Avx.Store(dst + 4L * dstStride, Avx.Permute2x128(s0, s4, 0x31));
        Avx.Store(dst + 5L * dstStride, Avx.Permute2x128(s1, s5, 0x31));
        Avx.Store(dst + 6L * dstStride, Avx.Permute2x128(s2, s6, 0x31));
        Avx.Store(dst + 7L * dstStride, Avx.Permute2x128(s3, s7, 0x31));
    }
}
