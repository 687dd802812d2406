using ILGPU;
using ILGPU.Runtime;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

public sealed partial class IlgpuBackend
{
    private Action<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, int>? embedGather;
    private Action<Index1D, ArrayView<int>, ArrayView<float>, ArrayView<float>, int, int>? embedScatter;

    protected override TokenIds AllocateIds(int length) => new(this, length, Accelerator.Allocate1D<int>(Math.Max(length, 1)));

    protected override void EmbeddingGatherCore(int vocab, int dim, int n, Tensor table, TokenIds ids, Tensor y)
    {
        embedGather ??= LoadAutoKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, int>(EmbedGatherKernel);
        embedGather(n * dim, table.View, ids.View, y.View, dim);
    }

    protected override void EmbeddingBackwardCore(int vocab, int dim, int n, TokenIds ids, Tensor dy, Tensor dTable, int skipId)
    {
        embedScatter ??= LoadAutoKernel<Index1D, ArrayView<int>, ArrayView<float>, ArrayView<float>, int, int>(EmbedScatterKernel);
        embedScatter(n * dim, ids.View, dy.View, dTable.View, dim, skipId);
    }

    private static void EmbedGatherKernel(Index1D idx, ArrayView<float> table, ArrayView<int> ids, ArrayView<float> y, int dim)
    {
        int n = idx / dim, d = idx - n * dim;
        y[idx] = table[ids[n] * dim + d];
    }

    // One thread per (token, column); repeated ids add into the same row, hence the atomic.
    private static void EmbedScatterKernel(Index1D idx, ArrayView<int> ids, ArrayView<float> dy, ArrayView<float> dTable, int dim, int skipId)
    {
        int n = idx / dim, d = idx - n * dim;
        int id = ids[n];
        if (id != skipId) Atomic.Add(ref dTable[id * dim + d], dy[idx]);
    }
}
