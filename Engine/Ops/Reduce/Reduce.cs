using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

public enum ReductionKind { Sum, Mean, Max }

public abstract partial class Backend
{
    /// <summary>y[n] = sum, mean or max over f of x[n, f]; x is read as an [N, F] matrix, y has N elements (F >= 1).</summary>
    public void ReduceRows(ReductionKind kind, Tensor x, Tensor y)
    {
        RequireOn("reduce-rows", x, "x");
        RequireOn("reduce-rows", y, "y");
        if (y.Length != x.Rows || x.Cols == 0)
            throw new ArgumentException($"reduce-rows: y has shape {y.ShapeString}, expected [{x.Rows}] for x {x.ShapeString} (F >= 1)");
        if (y.Length > 0) ReduceRowsCore(kind, x.Rows, x.Cols, x, y);
    }

    /// <summary>
    /// dx[n, f] (overwritten) from dy[n]: dy for sum, dy / F for mean, and for max dy at the first f where x[n, f] equals
    /// the forward's y[n] (zero elsewhere), so ties go to one element, as the forward picked one value.
    /// </summary>
    public void ReduceRowsBackward(ReductionKind kind, Tensor x, Tensor y, Tensor dy, Tensor dx)
    {
        RequireSameShape("reduce-rows-backward", x, "x", dx, "dx");
        RequireSameShape("reduce-rows-backward", y, "y", dy, "dy");
        if (y.Length != x.Rows || x.Cols == 0)
            throw new ArgumentException($"reduce-rows-backward: y has shape {y.ShapeString}, expected [{x.Rows}] for x {x.ShapeString} (F >= 1)");
        if (y.Length > 0) ReduceRowsBackwardCore(kind, x.Rows, x.Cols, x, y, dy, dx);
    }

    protected abstract void ReduceRowsCore(ReductionKind kind, int rows, int cols, Tensor x, Tensor y);
    protected abstract void ReduceRowsBackwardCore(ReductionKind kind, int rows, int cols, Tensor x, Tensor y, Tensor dy, Tensor dx);
}
