using ILGPU;
using ILGPU.Runtime;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

/// <summary>Scalar arguments of the GEMM kernels, passed by value.</summary>
internal readonly record struct GemmArgs(int M, int N, int K, int TransA, int TransB, float Alpha, float Beta);

public sealed partial class IlgpuBackend
{
    // Kernel variants (one is launched; earlier ones stay for comparison):
    // v1 GemmTiledKernel: 16x16 shared-memory tiles of op(A) and op(B), one output element per thread, transposes
    //    handled in the tile loads so every layout uses the same inner loop. Two shared loads per multiply-add.
    // v2 GemmRegisterTiledKernel (launched below GemmV3MinOutputs outputs): 64x64 tile of C per group of 16x16 threads,
    //    k-tile 16; each thread keeps a 4x4 block of C in registers (rows ty + 16i, columns tx + 16j, so shared reads
    //    and global stores stay contiguous across a warp) and does 16 multiply-adds per 8 shared loads. Tiles are
    //    stored k-major with a row stride of 65 so the transposing stores of the NN-A and NT-B loads hit distinct banks.
    // v3 GemmDoubleBufferedKernel (GemmV3.Ilgpu.cs, launched from GemmV3MinOutputs outputs up): 128x128 tiles, 8x8 per
    //    thread, double-buffered shared memory.
    private const int GemmTile = 16;
    private const int Gemm2Tile = 64, Gemm2K = 16, Gemm2Threads = 16, Gemm2Stride = Gemm2Tile + 1;

    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmArgs>? gemmTiled, gemmRegisterTiled;

    protected override void GemmCore(bool transA, bool transB, int m, int n, int k, float alpha, Tensor a, Tensor b, float beta, Tensor c)
    {
        if ((long)m * n >= GemmV3MinOutputs)
        {
            GemmV3(transA, transB, m, n, k, alpha, a, b, beta, c);
            return;
        }
        gemmRegisterTiled ??= LoadGroupedKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmArgs>(GemmRegisterTiledKernel);
        var grid = new Index2D((n + Gemm2Tile - 1) / Gemm2Tile, (m + Gemm2Tile - 1) / Gemm2Tile);
        var group = new Index2D(Gemm2Threads, Gemm2Threads);
        gemmRegisterTiled(new KernelConfig(grid, group), a.View, b.View, c.View,
            new GemmArgs(m, n, k, transA ? 1 : 0, transB ? 1 : 0, alpha, beta));
    }

    /// <summary>Launches v1 (kept for comparison with v2 on a GPU and in tests).</summary>
    internal void GemmV1(bool transA, bool transB, int m, int n, int k, float alpha, Tensor a, Tensor b, float beta, Tensor c)
    {
        gemmTiled ??= LoadGroupedKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmArgs>(GemmTiledKernel);
        var grid = new Index2D((n + GemmTile - 1) / GemmTile, (m + GemmTile - 1) / GemmTile);
        var group = new Index2D(GemmTile, GemmTile);
        gemmTiled(new KernelConfig(grid, group), a.View, b.View, c.View,
            new GemmArgs(m, n, k, transA ? 1 : 0, transB ? 1 : 0, alpha, beta));
    }

    private static void GemmTiledKernel(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, GemmArgs p)
    {
        var tileA = SharedMemory.Allocate<float>(GemmTile * GemmTile);
        var tileB = SharedMemory.Allocate<float>(GemmTile * GemmTile);
        int tx = Group.IdxX, ty = Group.IdxY;
        int row = Grid.IdxY * GemmTile + ty;
        int col = Grid.IdxX * GemmTile + tx;
        float acc = 0f;
        for (int k0 = 0; k0 < p.K; k0 += GemmTile)
        {
            int ka = k0 + tx;
            float av = 0f;
            if (row < p.M && ka < p.K) av = p.TransA != 0 ? a[ka * p.M + row] : a[row * p.K + ka];
            tileA[ty * GemmTile + tx] = av;
            int kb = k0 + ty;
            float bv = 0f;
            if (kb < p.K && col < p.N) bv = p.TransB != 0 ? b[col * p.K + kb] : b[kb * p.N + col];
            tileB[ty * GemmTile + tx] = bv;
            Group.Barrier();
            for (int kk = 0; kk < GemmTile; kk++) acc += tileA[ty * GemmTile + kk] * tileB[kk * GemmTile + tx];
            Group.Barrier();
        }
        if (row < p.M && col < p.N)
        {
            int ci = row * p.N + col;
            c[ci] = p.Beta == 0f ? p.Alpha * acc : p.Alpha * acc + p.Beta * c[ci];
        }
    }

    private static void GemmRegisterTiledKernel(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, GemmArgs p)
    {
        var tileA = SharedMemory.Allocate<float>(Gemm2K * Gemm2Stride);  // [kk][r]: op(A)[row0 + r, k0 + kk]
        var tileB = SharedMemory.Allocate<float>(Gemm2K * Gemm2Stride);  // [kk][j]: op(B)[k0 + kk, col0 + j]
        int tx = Group.IdxX, ty = Group.IdxY, tid = ty * Gemm2Threads + tx;
        int row0 = Grid.IdxY * Gemm2Tile, col0 = Grid.IdxX * Gemm2Tile;
        float c00 = 0f, c01 = 0f, c02 = 0f, c03 = 0f;
        float c10 = 0f, c11 = 0f, c12 = 0f, c13 = 0f;
        float c20 = 0f, c21 = 0f, c22 = 0f, c23 = 0f;
        float c30 = 0f, c31 = 0f, c32 = 0f, c33 = 0f;
        for (int k0 = 0; k0 < p.K; k0 += Gemm2K)
        {
            // 64x16 elements of each operand, 4 per thread; consecutive threads read consecutive addresses of the
            // operand's own layout (along k for untransposed A and transposed B, along M or N otherwise).
            for (int l = 0; l < Gemm2Tile * Gemm2K / (Gemm2Threads * Gemm2Threads); l++)
            {
                int e = tid + l * Gemm2Threads * Gemm2Threads;
                int r = p.TransA != 0 ? e % Gemm2Tile : e / Gemm2K;
                int ka = p.TransA != 0 ? e / Gemm2Tile : e % Gemm2K;
                int gr = row0 + r, gka = k0 + ka;
                float av = 0f;
                if (gr < p.M && gka < p.K) av = p.TransA != 0 ? a[gka * p.M + gr] : a[gr * p.K + gka];
                tileA[ka * Gemm2Stride + r] = av;
                int j = p.TransB != 0 ? e / Gemm2K : e % Gemm2Tile;
                int kb = p.TransB != 0 ? e % Gemm2K : e / Gemm2Tile;
                int gc = col0 + j, gkb = k0 + kb;
                float bv = 0f;
                if (gkb < p.K && gc < p.N) bv = p.TransB != 0 ? b[gc * p.K + gkb] : b[gkb * p.N + gc];
                tileB[kb * Gemm2Stride + j] = bv;
            }
            Group.Barrier();
            for (int kk = 0; kk < Gemm2K; kk++)
            {
                int ra = kk * Gemm2Stride + ty, rb = kk * Gemm2Stride + tx;
                float a0 = tileA[ra], a1 = tileA[ra + 16], a2 = tileA[ra + 32], a3 = tileA[ra + 48];
                float b0 = tileB[rb], b1 = tileB[rb + 16], b2 = tileB[rb + 32], b3 = tileB[rb + 48];
                c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
                c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
                c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
                c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
            }
            Group.Barrier();
        }
        GemmStore(c, p, row0 + ty + 0, col0 + tx + 0, c00);
        GemmStore(c, p, row0 + ty + 0, col0 + tx + 16, c01);
        GemmStore(c, p, row0 + ty + 0, col0 + tx + 32, c02);
        GemmStore(c, p, row0 + ty + 0, col0 + tx + 48, c03);
        GemmStore(c, p, row0 + ty + 16, col0 + tx + 0, c10);
        GemmStore(c, p, row0 + ty + 16, col0 + tx + 16, c11);
        GemmStore(c, p, row0 + ty + 16, col0 + tx + 32, c12);
        GemmStore(c, p, row0 + ty + 16, col0 + tx + 48, c13);
        GemmStore(c, p, row0 + ty + 32, col0 + tx + 0, c20);
        GemmStore(c, p, row0 + ty + 32, col0 + tx + 16, c21);
        GemmStore(c, p, row0 + ty + 32, col0 + tx + 32, c22);
        GemmStore(c, p, row0 + ty + 32, col0 + tx + 48, c23);
        GemmStore(c, p, row0 + ty + 48, col0 + tx + 0, c30);
        GemmStore(c, p, row0 + ty + 48, col0 + tx + 16, c31);
        GemmStore(c, p, row0 + ty + 48, col0 + tx + 32, c32);
        GemmStore(c, p, row0 + ty + 48, col0 + tx + 48, c33);
    }

    private static void GemmStore(ArrayView<float> c, GemmArgs p, int row, int col, float acc)
    {
        if (row >= p.M || col >= p.N) return;
        int ci = row * p.N + col;
        c[ci] = p.Beta == 0f ? p.Alpha * acc : p.Alpha * acc + p.Beta * c[ci];
    }
}
