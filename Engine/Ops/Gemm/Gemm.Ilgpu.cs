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
    //    handled in the tile loads so every layout uses the same inner loop.
    private const int GemmTile = 16;

    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmArgs>? gemmTiled;

    protected override void GemmCore(bool transA, bool transB, int m, int n, int k, float alpha, Tensor a, Tensor b, float beta, Tensor c)
    {
        gemmTiled ??= Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmArgs>(GemmTiledKernel);
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
}
