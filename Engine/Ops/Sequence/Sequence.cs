using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

/// <summary>
/// Sequence plumbing for encoder-decoder models, each with its backward:
///   ReverseTime     y[t] = x[T-1-t] on [T, B, F]           (seed 001's reversed reconstruction; its own backward)
///   RepeatVector    y[t] = x for every t, [B, F] -> [T, B, F] (seed 000's RepeatVector; backward SumOverTime)
///   ConcatFeatures  y[n] = [a[n], b[n]], [N, Fa] + [N, Fb] -> [N, Fa + Fb] (seed 004's [embedding; context]; backward SplitFeatures)
/// Outputs must not overlap inputs.
/// </summary>
public abstract partial class Backend
{
    public void ReverseTime(Tensor x, Tensor y)
    {
        if (x.Rank < 2) throw new ArgumentException($"reverse-time: x has shape {x.ShapeString}, expected [T, ...]");
        RequireSameShape("reverse-time", x, "x", y, "y");
        if (x.Length > 0) ReverseTimeCore(x.Dim(0), x.Length / x.Dim(0), x, y);
    }

    public void RepeatVector(Tensor x, Tensor y)
    {
        RequireOn("repeat-vector", x, "x");
        if (y.Rank < 1 || y.Dim(0) == 0 || y.Length != y.Dim(0) * x.Length)
            throw new ArgumentException($"repeat-vector: y has shape {y.ShapeString}, expected [T > 0, {x.ShapeString[1..]} for x {x.ShapeString}");
        RequireOn("repeat-vector", y, "y");
        if (x.Length > 0) RepeatVectorCore(y.Dim(0), x.Length, x, y);
    }

    /// <summary>dx = sum over t of dy[t]: the backward of <see cref="RepeatVector"/> (dx overwritten).</summary>
    public void SumOverTime(Tensor dy, Tensor dx)
    {
        RequireOn("sum-over-time", dy, "dy");
        RequireOn("sum-over-time", dx, "dx");
        if (dy.Rank < 1 || dy.Dim(0) == 0 || dy.Length != dy.Dim(0) * dx.Length)
            throw new ArgumentException($"sum-over-time: dy {dy.ShapeString} is not [T > 0] x dx {dx.ShapeString}");
        if (dx.Length > 0) SumOverTimeCore(dy.Dim(0), dx.Length, dy, dx);
    }

    public void ConcatFeatures(Tensor a, Tensor b, Tensor y)
    {
        var (n, fa, fb) = CheckConcat("concat-features", a, "a", b, "b", y, "y");
        if (y.Length > 0) ConcatFeaturesCore(n, fa, fb, a, b, y, split: false);
    }

    /// <summary>da = dy[:, :Fa], db = dy[:, Fa:]: the backward of <see cref="ConcatFeatures"/>.</summary>
    public void SplitFeatures(Tensor dy, Tensor da, Tensor db)
    {
        var (n, fa, fb) = CheckConcat("split-features", da, "da", db, "db", dy, "dy");
        if (dy.Length > 0) ConcatFeaturesCore(n, fa, fb, da, db, dy, split: true);
    }

    private (int N, int Fa, int Fb) CheckConcat(string op, Tensor a, string aName, Tensor b, string bName, Tensor y, string yName)
    {
        RequireOn(op, a, aName);
        RequireOn(op, b, bName);
        RequireOn(op, y, yName);
        if (a.Rows != b.Rows || y.Rows != a.Rows || y.Cols != a.Cols + b.Cols)
            throw new ArgumentException($"{op}: {aName} {a.ShapeString} and {bName} {b.ShapeString} do not make {yName} {y.ShapeString} " +
                $"(expected [{a.Rows}, {a.Cols + b.Cols}])");
        return (a.Rows, a.Cols, b.Cols);
    }

    protected abstract void ReverseTimeCore(int t, int inner, Tensor x, Tensor y);
    protected abstract void RepeatVectorCore(int t, int inner, Tensor x, Tensor y);
    protected abstract void SumOverTimeCore(int t, int inner, Tensor dy, Tensor dx);
    /// <summary>split = false: y = [a, b]; split = true: a, b = y's two column blocks.</summary>
    protected abstract void ConcatFeaturesCore(int n, int fa, int fb, Tensor a, Tensor b, Tensor y, bool split);
}
