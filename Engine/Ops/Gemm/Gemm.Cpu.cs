using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

/// <summary>Which micro-kernel the cpu GEMM uses; tests force the fallbacks to check them on AVX-512 machines.</summary>
internal enum CpuGemmPath { Auto, Vector512, Vector256, Scalar }

public sealed partial class CpuBackend
{
    // v2: packed, register-blocked GEMM (v1, a row-times-panel axpy loop, loaded and stored a row of C once per k).
    // Loop nest per thread, over its own block of C:
    //   jc over columns in NC steps -> pc over k in KC steps: pack op(B)[KC, NC] (lives in L2)
    //     -> ic over rows in MR steps: pack op(A)[MR, KC] (lives in L1)
    //       -> jr over columns in NR steps: micro-kernel on the MR x NR tile (B streams from L2).
    // KC * NC * 4 bytes = 512 KiB of packed B keeps half the 1 MiB L2 for C and the A panel; MR * KC * 4 = 8 KiB of A.
    internal const int GemmKc = 256, GemmNc = 512;

    // Below this many multiply-adds a second thread costs more than it saves.
    private const long GemmParallelMinFma = 1L << 17;

    /// <summary>Forces a micro-kernel (tests); Auto picks the widest the hardware runs.</summary>
    internal CpuGemmPath GemmPathOverride { get; set; }

    private GemmJob? gemmJob;

    internal CpuGemmPath ResolvedGemmPath => GemmPathOverride switch
    {
        CpuGemmPath.Auto => Vector512.IsHardwareAccelerated ? CpuGemmPath.Vector512
            : Vector256.IsHardwareAccelerated ? CpuGemmPath.Vector256 : CpuGemmPath.Scalar,
        CpuGemmPath.Vector512 when !Vector512.IsHardwareAccelerated => throw new PlatformNotSupportedException("gemm: Vector512 is not accelerated here"),
        CpuGemmPath.Vector256 when !Vector256.IsHardwareAccelerated => throw new PlatformNotSupportedException("gemm: Vector256 is not accelerated here"),
        var p => p,
    };

    protected override void GemmCore(bool transA, bool transB, int m, int n, int k, float alpha, Tensor a, Tensor b, float beta, Tensor c)
    {
        if (k == 0 || alpha == 0f)
        {
            ScaleOrClear(c.Host.AsSpan(c.Offset, m * n), beta);
            return;
        }
        // The job and packing buffers are per backend: callers on several threads take turns.
        lock (gemmLock) GemmLocked(transA, transB, m, n, k, alpha, a, b, beta, c);
    }

    private readonly object gemmLock = new();

    private void GemmLocked(bool transA, bool transB, int m, int n, int k, float alpha, Tensor a, Tensor b, float beta, Tensor c)
    {
        var job = gemmJob ??= new GemmJob();
        var path = ResolvedGemmPath;
        int mr = path switch { CpuGemmPath.Vector512 => GemmKernels.Mr512, CpuGemmPath.Vector256 => GemmKernels.Mr256, _ => GemmKernels.MrScalar };
        int nr = path switch { CpuGemmPath.Vector512 => GemmKernels.Nr512, CpuGemmPath.Vector256 => GemmKernels.Nr256, _ => GemmKernels.NrScalar };
        int threads = (long)m * n * k < GemmParallelMinFma ? 1 : Threads;
        var (tm, tn) = threads == 1 ? (1, 1) : SplitGrid(threads, (m + mr - 1) / mr, (n + nr - 1) / nr, mr, nr, k);
        int parts = tm * tn;
        EnsureGemmScratch(parts, mr, nr);
        job.Set(this, path, mr, nr, tm, tn, transA, transB, m, n, k, alpha, a, b, beta, c);
        try
        {
            if (parts == 1) job.Execute(0);
            else pool.Run(job, parts);
        }
        finally { job.Clear(); }
    }

    /// <summary>
    /// Splits C's tile grid into tm x tn blocks, one per part. Parts are claimed dynamically, so more parts than threads
    /// keep both cores busy when a neighbour steals one for a while; each part re-packs its A rows and B columns, so the
    /// plan minimises (rounds of parts) x (multiply-adds + packing of the largest part), where packing one element
    /// costs about as much as 8 multiply-adds. Plans within 5% of the best prefer more parts.
    /// </summary>
    internal static (int Tm, int Tn) SplitGrid(int threads, int mTiles, int nTiles, int mr, int nr, int k)
    {
        double Cost(int tm, int tn)
        {
            if (tm > mTiles || tn > nTiles) return double.MaxValue;
            double rows = (double)((mTiles + tm - 1) / tm) * mr, cols = (double)((nTiles + tn - 1) / tn) * nr;
            return (tm * tn + threads - 1) / threads * (rows * cols * k + 8.0 * k * (rows + cols));
        }
        double min = Cost(1, 1);
        for (int parts = threads; parts <= threads * 4; parts *= 2)
            for (int tn = 1; tn <= parts; tn++)
                if (parts % tn == 0) min = Math.Min(min, Cost(parts / tn, tn));
        (int, int) best = (1, 1);
        double bestCost = Cost(1, 1);
        for (int parts = threads; parts <= threads * 4; parts *= 2)
            for (int tn = 1; tn <= parts; tn++)
            {
                if (parts % tn != 0) continue;
                double cost = Cost(parts / tn, tn);
                if (cost == double.MaxValue || cost > min * 1.05) continue;
                if (parts > best.Item1 * best.Item2 || cost < bestCost) { best = (parts / tn, tn); bestCost = cost; }
            }
        return best;
    }

    private static void ScaleOrClear(Span<float> c, float beta)
    {
        if (beta == 0f) { c.Clear(); return; }
        if (beta == 1f) return;
        for (int i = 0; i < c.Length; i++) c[i] *= beta;
    }

    // Packing buffers, one set per part, 64-byte aligned, grown on demand and reused by every later call.
    private unsafe float*[] gemmA = [], gemmB = [], gemmTmp = [];
    private int gemmScratchMr, gemmScratchNr;

    private unsafe void EnsureGemmScratch(int parts, int mr, int nr)
    {
        if (gemmA.Length >= parts && gemmScratchMr >= mr && gemmScratchNr == nr) return;
        FreeGemmScratch();
        int count = Math.Max(parts, Threads * 4);
        gemmA = new float*[count];
        gemmB = new float*[count];
        gemmTmp = new float*[count];
        int ncPadded = (GemmNc + nr - 1) / nr * nr;
        for (int i = 0; i < count; i++)
        {
            gemmA[i] = (float*)NativeMemory.AlignedAlloc((nuint)(mr * GemmKc * sizeof(float)), 64);
            gemmB[i] = (float*)NativeMemory.AlignedAlloc((nuint)(GemmKc * ncPadded * sizeof(float)), 64);
            gemmTmp[i] = (float*)NativeMemory.AlignedAlloc((nuint)(mr * nr * sizeof(float)), 64);
        }
        gemmScratchMr = mr;
        gemmScratchNr = nr;
    }

    private unsafe void FreeGemmScratch()
    {
        foreach (var p in gemmA) NativeMemory.AlignedFree(p);
        foreach (var p in gemmB) NativeMemory.AlignedFree(p);
        foreach (var p in gemmTmp) NativeMemory.AlignedFree(p);
        gemmA = gemmB = gemmTmp = [];
    }

    /// <summary>One GEMM call's arguments; part p computes block (p / tn, p % tn) of C's tile grid.</summary>
    private sealed unsafe class GemmJob : IParallelWork
    {
        private CpuBackend owner = null!;
        private CpuGemmPath path;
        private int mr, nr, tm, tn, m, n, k, aOff, bOff, cOff;
        private bool transA, transB;
        private float alpha, beta;
        private float[]? a, b, c;

        public void Set(CpuBackend backend, CpuGemmPath kernel, int mrFull, int nrFull, int tileRows, int tileCols,
            bool ta, bool tb, int rows, int cols, int depth, float al, Tensor ta_, Tensor tb_, float be, Tensor tc)
        {
            owner = backend; path = kernel; mr = mrFull; nr = nrFull; tm = tileRows; tn = tileCols;
            transA = ta; transB = tb; m = rows; n = cols; k = depth; alpha = al; beta = be;
            a = ta_.Host; b = tb_.Host; c = tc.Host;
            aOff = ta_.Offset; bOff = tb_.Offset; cOff = tc.Offset;
        }

        public void Clear() => a = b = c = null;

        public void Execute(int part)
        {
            int mTiles = (m + mr - 1) / mr, nTiles = (n + nr - 1) / nr;
            int pm = part / tn, pn = part % tn;
            int i0 = mTiles * pm / tm * mr, i1 = Math.Min(m, mTiles * (pm + 1) / tm * mr);
            int j0 = nTiles * pn / tn * nr, j1 = Math.Min(n, nTiles * (pn + 1) / tn * nr);
            if (i0 >= i1 || j0 >= j1) return;
            fixed (float* pa = a, pb = b, pc = c)
                Block(pa + aOff, pb + bOff, pc + cOff, i0, i1, j0, j1, owner.gemmA[part], owner.gemmB[part], owner.gemmTmp[part]);
        }

        private void Block(float* pa, float* pb, float* pc, int i0, int i1, int j0, int j1, float* ap, float* bp, float* tmp)
        {
            int ncMax = GemmNc / nr * nr;
            for (int jc = j0; jc < j1; jc += ncMax)
            {
                int nc = Math.Min(ncMax, j1 - jc);
                for (int p0 = 0; p0 < k; p0 += GemmKc)
                {
                    int kc = Math.Min(GemmKc, k - p0);
                    GemmPack.PackB(pb, transB, n, k, p0, kc, jc, nc, bp, nr);
                    float betaEff = p0 == 0 ? beta : 1f;  // later k blocks accumulate onto the first one's result
                    for (int ic = i0; ic < i1; ic += mr)
                    {
                        int mrValid = Math.Min(mr, i1 - ic);
                        GemmPack.PackA(pa, transA, m, k, ic, mrValid, p0, kc, ap, mr);
                        float* cRow = pc + (long)ic * n;
                        for (int jr = 0; jr < nc; jr += nr)
                        {
                            int nrValid = Math.Min(nr, nc - jr);
                            float* panel = bp + (long)(jr / nr) * kc * nr;
                            float* cTile = cRow + jc + jr;
                            switch (path)
                            {
                                case CpuGemmPath.Vector512:
                                    GemmKernels.Kernel8x32(kc, ap, panel, cTile, n, alpha, betaEff, mrValid, nrValid, tmp);
                                    break;
                                case CpuGemmPath.Vector256:
                                    GemmKernels.Kernel6x16(kc, ap, panel, cTile, n, alpha, betaEff, mrValid, nrValid, tmp);
                                    break;
                                default:
                                    GemmKernels.KernelScalar(kc, ap, panel, cTile, n, alpha, betaEff, mrValid, nrValid, tmp);
                                    break;
                            }
                        }
                    }
                }
            }
        }
    }
}
