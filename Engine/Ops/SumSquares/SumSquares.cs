using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

public abstract partial class Backend
{
    /// <summary>Sum of x[i]^2 (for global-norm gradient clipping); waits for the device and returns the value.</summary>
    public float SumSquares(Tensor x)
    {
        RequireOn("sum-squares", x, "x");
        return x.Length == 0 ? 0f : (float)SumSquaresCore(x);
    }

    protected abstract double SumSquaresCore(Tensor x);
}
