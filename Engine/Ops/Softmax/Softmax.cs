using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

public abstract partial class Backend
{
    /// <summary>Row softmax: y[n, f] = exp(x[n, f] - max_n) / sum_f exp(x[n, f] - max_n) over an [N, F] matrix. y may alias x.</summary>
    public void Softmax(Tensor x, Tensor y)
    {
        RequireSameShape("softmax", x, "x", y, "y");
        if (x.Cols == 0) throw new ArgumentException($"softmax: x {x.ShapeString} has no columns");
        if (x.Length > 0) SoftmaxCore(x.Rows, x.Cols, x, y);
    }

    /// <summary>dx[n, f] = y[n, f] * (dy[n, f] - sum_g dy[n, g] * y[n, g]) from the forward's output y. dx may alias dy.</summary>
    public void SoftmaxBackward(Tensor y, Tensor dy, Tensor dx)
    {
        RequireSameShape("softmax-backward", y, "y", dy, "dy");
        RequireSameShape("softmax-backward", y, "y", dx, "dx");
        if (y.Cols == 0) throw new ArgumentException($"softmax-backward: y {y.ShapeString} has no columns");
        if (y.Length > 0) SoftmaxBackwardCore(y.Rows, y.Cols, y, dy, dx);
    }

    protected abstract void SoftmaxCore(int rows, int cols, Tensor x, Tensor y);
    protected abstract void SoftmaxBackwardCore(int rows, int cols, Tensor y, Tensor dy, Tensor dx);
}
