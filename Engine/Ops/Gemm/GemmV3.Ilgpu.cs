using ILGPU;
using ILGPU.Runtime;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

/// <summary>
/// GEMM v3 (issue 20, item 5): a 128x128 tile of C per group of 16x16 threads, k-tile 8, each thread an 8x8 block of C
/// in 64 registers (written out by hand: ILGPU 1.5.3 neither unrolls loops nor keeps loop-indexed local arrays in
/// registers). The thread's rows are ty*4 + {0..3} and 64 + ty*4 + {0..3}, its columns tx*4 + {0..3} and 64 + tx*4 +
/// {0..3}: a warp (two ty values, sixteen tx) reads 2 distinct A values and 64 contiguous B values per shared load.
/// 64 multiply-adds per 16 shared loads, against v2's 16 per 8. Shared memory is double-buffered with a register stage:
/// the next k-tile's global loads are issued before the current tile's products and stored into the other buffer after
/// them, so one barrier per k-tile separates the two. Global loads are scalar with bounds checks (every transpose and
/// ragged edge goes through the same path); 16-byte loads need alignment the general case cannot promise and are left
/// out. Unmeasured on a GPU: <see cref="GemmCore"/> launches v3 only from <see cref="GemmV3MinOutputs"/> outputs up,
/// where its 128x128 tiles still give a GPU's multiprocessors several groups each, v2 below.
/// </summary>
public sealed partial class IlgpuBackend
{
    private const int Gemm3Tile = 128, Gemm3K = 8, Gemm3Threads = 16, Gemm3Stride = Gemm3Tile + 4;

    /// <summary>M*N from which <see cref="GemmCore"/> launches v3 (1024 x 1024: 64 groups).</summary>
    internal const long GemmV3MinOutputs = 1024L * 1024;

    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmArgs>? gemmV3;

    /// <summary>Launches v3 whatever the shape (tests; <see cref="GemmCore"/> picks by size).</summary>
    internal void GemmV3(bool transA, bool transB, int m, int n, int k, float alpha, Tensor a, Tensor b, float beta, Tensor c)
    {
        gemmV3 ??= LoadGroupedKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmArgs>(GemmDoubleBufferedKernel);
        var grid = new Index2D((n + Gemm3Tile - 1) / Gemm3Tile, (m + Gemm3Tile - 1) / Gemm3Tile);
        gemmV3(new KernelConfig(grid, new Index2D(Gemm3Threads, Gemm3Threads)), a.View, b.View, c.View,
            new GemmArgs(m, n, k, transA ? 1 : 0, transB ? 1 : 0, alpha, beta));
    }

    /// <summary>Element e (0..1023) of the A k-tile: its row in the tile and its k, in the operand's contiguous order.</summary>
    private static float GemmLoadA(ArrayView<float> a, GemmArgs p, int row0, int k0, int e, out int r, out int ka)
    {
        r = p.TransA != 0 ? e % Gemm3Tile : e / Gemm3K;
        ka = p.TransA != 0 ? e / Gemm3Tile : e % Gemm3K;
        int gr = row0 + r, gk = k0 + ka;
        if (gr >= p.M || gk >= p.K) return 0f;
        return p.TransA != 0 ? a[gk * p.M + gr] : a[gr * p.K + gk];
    }

    /// <summary>Element e of the B k-tile: its column in the tile and its k.</summary>
    private static float GemmLoadB(ArrayView<float> b, GemmArgs p, int col0, int k0, int e, out int j, out int kb)
    {
        j = p.TransB != 0 ? e / Gemm3K : e % Gemm3Tile;
        kb = p.TransB != 0 ? e % Gemm3K : e / Gemm3Tile;
        int gc = col0 + j, gk = k0 + kb;
        if (gk >= p.K || gc >= p.N) return 0f;
        return p.TransB != 0 ? b[gc * p.K + gk] : b[gk * p.N + gc];
    }

    private static void GemmDoubleBufferedKernel(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, GemmArgs p)
    {
        // [buffer][kk][r or j]: two k-tiles of op(A) (128 rows) and op(B) (128 columns).
        var tileA = SharedMemory.Allocate<float>(2 * Gemm3K * Gemm3Stride);
        var tileB = SharedMemory.Allocate<float>(2 * Gemm3K * Gemm3Stride);
        int tx = Group.IdxX, ty = Group.IdxY, tid = ty * Gemm3Threads + tx;
        int row0 = Grid.IdxY * Gemm3Tile, col0 = Grid.IdxX * Gemm3Tile;
        int per = Gemm3Threads * Gemm3Threads;
        float c00 = 0f, c01 = 0f, c02 = 0f, c03 = 0f, c04 = 0f, c05 = 0f, c06 = 0f, c07 = 0f;
        float c10 = 0f, c11 = 0f, c12 = 0f, c13 = 0f, c14 = 0f, c15 = 0f, c16 = 0f, c17 = 0f;
        float c20 = 0f, c21 = 0f, c22 = 0f, c23 = 0f, c24 = 0f, c25 = 0f, c26 = 0f, c27 = 0f;
        float c30 = 0f, c31 = 0f, c32 = 0f, c33 = 0f, c34 = 0f, c35 = 0f, c36 = 0f, c37 = 0f;
        float c40 = 0f, c41 = 0f, c42 = 0f, c43 = 0f, c44 = 0f, c45 = 0f, c46 = 0f, c47 = 0f;
        float c50 = 0f, c51 = 0f, c52 = 0f, c53 = 0f, c54 = 0f, c55 = 0f, c56 = 0f, c57 = 0f;
        float c60 = 0f, c61 = 0f, c62 = 0f, c63 = 0f, c64 = 0f, c65 = 0f, c66 = 0f, c67 = 0f;
        float c70 = 0f, c71 = 0f, c72 = 0f, c73 = 0f, c74 = 0f, c75 = 0f, c76 = 0f, c77 = 0f;
        // The first k-tile into buffer 0 (4 elements of each operand per thread).
        for (int l = 0; l < 4; l++)
        {
            int e = tid + l * per;
            float av = GemmLoadA(a, p, row0, 0, e, out int r, out int ka);
            tileA[ka * Gemm3Stride + r] = av;
            float bv = GemmLoadB(b, p, col0, 0, e, out int j, out int kb);
            tileB[kb * Gemm3Stride + j] = bv;
        }
        Group.Barrier();
        int buf = 0;
        for (int k0 = 0; k0 < p.K; k0 += Gemm3K)
        {
            // Stage the next k-tile in registers now; its stores wait until this tile's products are done.
            int kn = k0 + Gemm3K;
            float na0 = 0f, na1 = 0f, na2 = 0f, na3 = 0f, nb0 = 0f, nb1 = 0f, nb2 = 0f, nb3 = 0f;
            int ra0 = 0, ra1 = 0, ra2 = 0, ra3 = 0, ka0 = 0, ka1 = 0, ka2 = 0, ka3 = 0;
            int jb0 = 0, jb1 = 0, jb2 = 0, jb3 = 0, kb0 = 0, kb1 = 0, kb2 = 0, kb3 = 0;
            if (kn < p.K)
            {
                na0 = GemmLoadA(a, p, row0, kn, tid, out ra0, out ka0);
                na1 = GemmLoadA(a, p, row0, kn, tid + per, out ra1, out ka1);
                na2 = GemmLoadA(a, p, row0, kn, tid + 2 * per, out ra2, out ka2);
                na3 = GemmLoadA(a, p, row0, kn, tid + 3 * per, out ra3, out ka3);
                nb0 = GemmLoadB(b, p, col0, kn, tid, out jb0, out kb0);
                nb1 = GemmLoadB(b, p, col0, kn, tid + per, out jb1, out kb1);
                nb2 = GemmLoadB(b, p, col0, kn, tid + 2 * per, out jb2, out kb2);
                nb3 = GemmLoadB(b, p, col0, kn, tid + 3 * per, out jb3, out kb3);
            }
            int baseOff = buf * Gemm3K * Gemm3Stride;
            for (int kk = 0; kk < Gemm3K; kk++)
            {
                int ra = baseOff + kk * Gemm3Stride + ty * 4, rb = baseOff + kk * Gemm3Stride + tx * 4;
                float a0 = tileA[ra + 0], a1 = tileA[ra + 1], a2 = tileA[ra + 2], a3 = tileA[ra + 3];
                float a4 = tileA[ra + 64], a5 = tileA[ra + 65], a6 = tileA[ra + 66], a7 = tileA[ra + 67];
                float b0 = tileB[rb + 0], b1 = tileB[rb + 1], b2 = tileB[rb + 2], b3 = tileB[rb + 3];
                float b4 = tileB[rb + 64], b5 = tileB[rb + 65], b6 = tileB[rb + 66], b7 = tileB[rb + 67];
                c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3; c04 += a0 * b4; c05 += a0 * b5; c06 += a0 * b6; c07 += a0 * b7;
                c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3; c14 += a1 * b4; c15 += a1 * b5; c16 += a1 * b6; c17 += a1 * b7;
                c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3; c24 += a2 * b4; c25 += a2 * b5; c26 += a2 * b6; c27 += a2 * b7;
                c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3; c34 += a3 * b4; c35 += a3 * b5; c36 += a3 * b6; c37 += a3 * b7;
                c40 += a4 * b0; c41 += a4 * b1; c42 += a4 * b2; c43 += a4 * b3; c44 += a4 * b4; c45 += a4 * b5; c46 += a4 * b6; c47 += a4 * b7;
                c50 += a5 * b0; c51 += a5 * b1; c52 += a5 * b2; c53 += a5 * b3; c54 += a5 * b4; c55 += a5 * b5; c56 += a5 * b6; c57 += a5 * b7;
                c60 += a6 * b0; c61 += a6 * b1; c62 += a6 * b2; c63 += a6 * b3; c64 += a6 * b4; c65 += a6 * b5; c66 += a6 * b6; c67 += a6 * b7;
                c70 += a7 * b0; c71 += a7 * b1; c72 += a7 * b2; c73 += a7 * b3; c74 += a7 * b4; c75 += a7 * b5; c76 += a7 * b6; c77 += a7 * b7;
            }
            if (kn < p.K)
            {
                int o = (1 - buf) * Gemm3K * Gemm3Stride;
                tileA[o + ka0 * Gemm3Stride + ra0] = na0; tileA[o + ka1 * Gemm3Stride + ra1] = na1;
                tileA[o + ka2 * Gemm3Stride + ra2] = na2; tileA[o + ka3 * Gemm3Stride + ra3] = na3;
                tileB[o + kb0 * Gemm3Stride + jb0] = nb0; tileB[o + kb1 * Gemm3Stride + jb1] = nb1;
                tileB[o + kb2 * Gemm3Stride + jb2] = nb2; tileB[o + kb3 * Gemm3Stride + jb3] = nb3;
            }
            // One barrier per k-tile: the next tile's buffer is complete, and nobody still reads the one just used
            // (it is written again only after the following barrier).
            Group.Barrier();
            buf = 1 - buf;
        }
        int rowT = row0 + ty * 4, colT = col0 + tx * 4;
        GemmStore(c, p, rowT + 0, colT + 0, c00); GemmStore(c, p, rowT + 0, colT + 1, c01); GemmStore(c, p, rowT + 0, colT + 2, c02); GemmStore(c, p, rowT + 0, colT + 3, c03);
        GemmStore(c, p, rowT + 0, colT + 64, c04); GemmStore(c, p, rowT + 0, colT + 65, c05); GemmStore(c, p, rowT + 0, colT + 66, c06); GemmStore(c, p, rowT + 0, colT + 67, c07);
        GemmStore(c, p, rowT + 1, colT + 0, c10); GemmStore(c, p, rowT + 1, colT + 1, c11); GemmStore(c, p, rowT + 1, colT + 2, c12); GemmStore(c, p, rowT + 1, colT + 3, c13);
        GemmStore(c, p, rowT + 1, colT + 64, c14); GemmStore(c, p, rowT + 1, colT + 65, c15); GemmStore(c, p, rowT + 1, colT + 66, c16); GemmStore(c, p, rowT + 1, colT + 67, c17);
        GemmStore(c, p, rowT + 2, colT + 0, c20); GemmStore(c, p, rowT + 2, colT + 1, c21); GemmStore(c, p, rowT + 2, colT + 2, c22); GemmStore(c, p, rowT + 2, colT + 3, c23);
        GemmStore(c, p, rowT + 2, colT + 64, c24); GemmStore(c, p, rowT + 2, colT + 65, c25); GemmStore(c, p, rowT + 2, colT + 66, c26); GemmStore(c, p, rowT + 2, colT + 67, c27);
        GemmStore(c, p, rowT + 3, colT + 0, c30); GemmStore(c, p, rowT + 3, colT + 1, c31); GemmStore(c, p, rowT + 3, colT + 2, c32); GemmStore(c, p, rowT + 3, colT + 3, c33);
        GemmStore(c, p, rowT + 3, colT + 64, c34); GemmStore(c, p, rowT + 3, colT + 65, c35); GemmStore(c, p, rowT + 3, colT + 66, c36); GemmStore(c, p, rowT + 3, colT + 67, c37);
        GemmStore(c, p, rowT + 64, colT + 0, c40); GemmStore(c, p, rowT + 64, colT + 1, c41); GemmStore(c, p, rowT + 64, colT + 2, c42); GemmStore(c, p, rowT + 64, colT + 3, c43);
        GemmStore(c, p, rowT + 64, colT + 64, c44); GemmStore(c, p, rowT + 64, colT + 65, c45); GemmStore(c, p, rowT + 64, colT + 66, c46); GemmStore(c, p, rowT + 64, colT + 67, c47);
        GemmStore(c, p, rowT + 65, colT + 0, c50); GemmStore(c, p, rowT + 65, colT + 1, c51); GemmStore(c, p, rowT + 65, colT + 2, c52); GemmStore(c, p, rowT + 65, colT + 3, c53);
        GemmStore(c, p, rowT + 65, colT + 64, c54); GemmStore(c, p, rowT + 65, colT + 65, c55); GemmStore(c, p, rowT + 65, colT + 66, c56); GemmStore(c, p, rowT + 65, colT + 67, c57);
        GemmStore(c, p, rowT + 66, colT + 0, c60); GemmStore(c, p, rowT + 66, colT + 1, c61); GemmStore(c, p, rowT + 66, colT + 2, c62); GemmStore(c, p, rowT + 66, colT + 3, c63);
        GemmStore(c, p, rowT + 66, colT + 64, c64); GemmStore(c, p, rowT + 66, colT + 65, c65); GemmStore(c, p, rowT + 66, colT + 66, c66); GemmStore(c, p, rowT + 66, colT + 67, c67);
        GemmStore(c, p, rowT + 67, colT + 0, c70); GemmStore(c, p, rowT + 67, colT + 1, c71); GemmStore(c, p, rowT + 67, colT + 2, c72); GemmStore(c, p, rowT + 67, colT + 3, c73);
        GemmStore(c, p, rowT + 67, colT + 64, c74); GemmStore(c, p, rowT + 67, colT + 65, c75); GemmStore(c, p, rowT + 67, colT + 66, c76); GemmStore(c, p, rowT + 67, colT + 67, c77);
    }
}
