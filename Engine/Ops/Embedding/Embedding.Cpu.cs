using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

public sealed partial class CpuBackend
{
    protected override TokenIds AllocateIds(int length) => new(this, length, null);

    protected override void EmbeddingGatherCore(int vocab, int dim, int n, Tensor table, TokenIds ids, Tensor y)
    {
        ReadOnlySpan<float> tab = table.Span;
        Span<float> outp = y.Span;
        for (int i = 0; i < n; i++) tab.Slice(ids.Host[i] * dim, dim).CopyTo(outp.Slice(i * dim, dim));
    }

    // Sequential over tokens: repeated ids hit the same row, so a row-parallel split would race.
    protected override void EmbeddingBackwardCore(int vocab, int dim, int n, TokenIds ids, Tensor dy, Tensor dTable, int skipId)
    {
        ReadOnlySpan<float> g = dy.Span;
        Span<float> dt = dTable.Span;
        for (int i = 0; i < n; i++)
        {
            int id = ids.Host[i];
            if (id == skipId) continue;
            Span<float> row = dt.Slice(id * dim, dim);
            ReadOnlySpan<float> src = g.Slice(i * dim, dim);
            for (int d = 0; d < dim; d++) row[d] += src[d];
        }
    }
}
