using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

public abstract partial class Backend
{
    /// <summary>
    /// Inverted dropout: element i is dropped when u_i = CounterRng.Uniform(seed, offset + i) is below p; kept elements are
    /// scaled by 1 / (1 - p). mask receives 0 or 1 / (1 - p) and y = x * mask (y may alias x). The mask is a pure function
    /// of (seed, offset + i), so every backend draws the same one; callers advance offset by the element count per use.
    /// </summary>
    public void Dropout(Tensor x, Tensor y, Tensor mask, float p, ulong seed, ulong offset)
    {
        RequireSameShape("dropout", x, "x", y, "y");
        RequireSameShape("dropout", x, "x", mask, "mask");
        if (!(p >= 0f && p < 1f)) throw new ArgumentOutOfRangeException(nameof(p), $"dropout: p = {p}, expected 0 <= p < 1");
        if (x.Length > 0) DropoutCore(x, y, mask, p, 1f / (1f - p), seed, offset);
    }

    /// <summary>dx = dy * mask, with the mask the forward wrote. dx may alias dy.</summary>
    public void DropoutBackward(Tensor dy, Tensor mask, Tensor dx)
    {
        RequireSameShape("dropout-backward", dy, "dy", mask, "mask");
        RequireSameShape("dropout-backward", dy, "dy", dx, "dx");
        if (dy.Length > 0) MulCore(dy, mask, dx);
    }

    protected abstract void DropoutCore(Tensor x, Tensor y, Tensor mask, float p, float scale, ulong seed, ulong offset);
}
