using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

/// <summary>Embedding lookup: y[n, :] = table[ids[n], :]; its backward scatters (accumulates) rows into the table gradient.</summary>
public abstract partial class Backend
{
    /// <summary>Token ids on this backend, [ids.Length].</summary>
    public TokenIds Ids(ReadOnlySpan<int> ids)
    {
        var t = AllocateIds(ids.Length);
        t.CopyFrom(ids);
        return t;
    }

    public TokenIds Ids(int length) => AllocateIds(length);

    protected abstract TokenIds AllocateIds(int length);

    public void EmbeddingGather(Tensor table, TokenIds ids, Tensor y)
    {
        CheckEmbedding("embedding", table, ids, y, "y");
        if (y.Length > 0) EmbeddingGatherCore(table.Rows, table.Cols, ids.Length, table, ids, y);
    }

    /// <summary>dTable[ids[n], :] += dy[n, :] for every n whose id is not skipId (pass -1 to skip none).</summary>
    public void EmbeddingBackward(TokenIds ids, Tensor dy, Tensor dTable, int skipId = -1)
    {
        CheckEmbedding("embedding backward", dTable, ids, dy, "dy");
        if (dy.Length > 0) EmbeddingBackwardCore(dTable.Rows, dTable.Cols, ids.Length, ids, dy, dTable, skipId);
    }

    private void CheckEmbedding(string op, Tensor table, TokenIds ids, Tensor y, string yName)
    {
        RequireOn(op, table, "table");
        if (ids.Device != this) throw new ArgumentException($"{op}: ids live on '{ids.Device.Name}', the op runs on '{Name}'");
        Require(op, y, yName, ids.Length * table.Cols, $"[{ids.Length}, {table.Cols}]");
        if (ids.Length > 0 && (ids.Min < 0 || ids.Max >= table.Rows))
            throw new ArgumentException($"{op}: ids span [{ids.Min}, {ids.Max}], outside the vocabulary [0, {table.Rows}) of table {table.ShapeString}");
    }

    protected abstract void EmbeddingGatherCore(int vocab, int dim, int n, Tensor table, TokenIds ids, Tensor y);
    protected abstract void EmbeddingBackwardCore(int vocab, int dim, int n, TokenIds ids, Tensor dy, Tensor dTable, int skipId);
}
