using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

public abstract partial class Backend
{
    /// <summary>y[n, f] = x[n, f] + bias[f]; x and y are read as [N, F] matrices, bias has F elements. y may alias x.</summary>
    public void AddBias(Tensor x, Tensor bias, Tensor y)
    {
        RequireSameShape("add-bias", x, "x", y, "y");
        RequireOn("add-bias", bias, "bias");
        if (bias.Length != x.Cols)
            throw new ArgumentException($"add-bias: bias has shape {bias.ShapeString}, expected [{x.Cols}] for x {x.ShapeString}");
        if (x.Length > 0) AddBiasCore(x.Rows, x.Cols, x, bias, y);
    }

    /// <summary>
    /// y[f] (+)= sum over n of x[n, f]: the gradient of a bias from the gradient of an [N, F] output. With
    /// <paramref name="accumulate"/> the sums are added to y (layers accumulate parameter gradients), else y is overwritten.
    /// </summary>
    public void ColumnSum(Tensor x, Tensor y, bool accumulate)
    {
        RequireOn("column-sum", x, "x");
        RequireOn("column-sum", y, "y");
        if (y.Length != x.Cols)
            throw new ArgumentException($"column-sum: y has shape {y.ShapeString}, expected [{x.Cols}] for x {x.ShapeString}");
        if (y.Length > 0) ColumnSumCore(x.Rows, x.Cols, x, y, accumulate);
    }

    protected abstract void AddBiasCore(int rows, int cols, Tensor x, Tensor bias, Tensor y);
    protected abstract void ColumnSumCore(int rows, int cols, Tensor x, Tensor y, bool accumulate);
}
