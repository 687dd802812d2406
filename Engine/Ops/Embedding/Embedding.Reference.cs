namespace RnnEngine.Engine;

public static partial class Reference
{
    public static void EmbeddingGather(int dim, ReadOnlySpan<double> table, ReadOnlySpan<int> ids, Span<double> y)
    {
        for (int n = 0; n < ids.Length; n++)
            table.Slice(ids[n] * dim, dim).CopyTo(y.Slice(n * dim, dim));
    }

    public static void EmbeddingBackward(int dim, ReadOnlySpan<int> ids, ReadOnlySpan<double> dy, Span<double> dTable, int skipId = -1)
    {
        for (int n = 0; n < ids.Length; n++)
        {
            if (ids[n] == skipId) continue;
            for (int d = 0; d < dim; d++) dTable[ids[n] * dim + d] += dy[n * dim + d];
        }
    }
}
