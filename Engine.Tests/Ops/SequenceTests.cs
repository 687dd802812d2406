using RnnEngine.Engine.Tests.Support;
using RnnEngine.Engine.Verification;
using Xunit;

namespace RnnEngine.Engine.Tests.Ops;

public class SequenceTests
{
    private const int T = 5, B = 3, F = 4, Fb = 2;

    [Theory, LocalBackends, CudaBackend]
    public void ForwardsMatchReference(string device)
    {
        var backend = TestBackends.Get(device);
        using var s = new TensorScope(backend);
        double[] x = Data.Uniform(1, T * B * F), v = Data.Uniform(2, B * F), b = Data.Uniform(3, B * Fb);

        var expected = new double[T * B * F];
        Reference.ReverseTime(T, x, expected);
        var y = s.Zeros(T, B, F);
        backend.ReverseTime(s.Of(Data.ToFloat(x), T, B, F), y);
        Data.Close(expected, y.ToArray(), Tolerances.Pointwise, $"reverse-time on {device}");
        Assert.Equal((float)x[(T - 1) * B * F], y.ToArray()[0]);

        Reference.RepeatVector(T, v, expected);
        backend.RepeatVector(s.Of(Data.ToFloat(v), B, F), y);
        Data.Close(expected, y.ToArray(), Tolerances.Pointwise, $"repeat-vector on {device}");

        var cat = new double[B * (F + Fb)];
        Reference.ConcatFeatures(B, F, Fb, v, b, cat);
        var ty = s.Zeros(B, F + Fb);
        backend.ConcatFeatures(s.Of(Data.ToFloat(v), B, F), s.Of(Data.ToFloat(b), B, Fb), ty);
        Data.Close(cat, ty.ToArray(), Tolerances.Pointwise, $"concat-features on {device}");
    }

    // For a linear map y = A x the backward must be the adjoint: <A x, w> = <x, A^T w> for any x, w.
    [Theory, LocalBackends, CudaBackend]
    public void BackwardsAreAdjointsOfForwards(string device)
    {
        var backend = TestBackends.Get(device);
        using var s = new TensorScope(backend);
        double[] x = Data.Uniform(4, T * B * F), w = Data.Uniform(5, T * B * F), v = Data.Uniform(6, B * F), b = Data.Uniform(7, B * Fb);
        double[] wc = Data.Uniform(8, B * (F + Fb));

        var y = s.Zeros(T, B, F);
        var back = s.Zeros(T, B, F);
        backend.ReverseTime(s.Of(Data.ToFloat(x), T, B, F), y);
        backend.ReverseTime(s.Of(Data.ToFloat(w), T, B, F), back);
        AssertAdjoint(Dot(y.ToArray(), w), Dot(back.ToArray(), x), "reverse-time", device);

        var dv = s.Of(Enumerable.Repeat(float.NaN, B * F).ToArray(), B, F);
        backend.RepeatVector(s.Of(Data.ToFloat(v), B, F), y);
        backend.SumOverTime(s.Of(Data.ToFloat(w), T, B, F), dv);
        AssertAdjoint(Dot(y.ToArray(), w), Dot(dv.ToArray(), v), "repeat-vector / sum-over-time", device);
        var sum = new double[B * F];
        Reference.SumOverTime(T, w, sum);
        Data.Close(sum, dv.ToArray(), Tolerances.Reduction, $"sum-over-time on {device}");

        var yc = s.Zeros(B, F + Fb);
        var da = s.Zeros(B, F);
        var db = s.Zeros(B, Fb);
        backend.ConcatFeatures(s.Of(Data.ToFloat(v), B, F), s.Of(Data.ToFloat(b), B, Fb), yc);
        backend.SplitFeatures(s.Of(Data.ToFloat(wc), B, F + Fb), da, db);
        AssertAdjoint(Dot(yc.ToArray(), wc), Dot(da.ToArray(), v) + Dot(db.ToArray(), b), "concat / split", device);
        double[] ea = new double[B * F], eb = new double[B * Fb];
        Reference.SplitFeatures(B, F, Fb, wc, ea, eb);
        Data.Close(ea, da.ToArray(), Tolerances.Pointwise, $"split a on {device}");
        Data.Close(eb, db.ToArray(), Tolerances.Pointwise, $"split b on {device}");
    }

    [Fact]
    public void BadShapesThrowNamingOpAndShapes()
    {
        var backend = TestBackends.Get("cpu");
        using var s = new TensorScope(backend);
        var e = Assert.Throws<ArgumentException>(() => backend.ReverseTime(s.Zeros(3, 2, 4), s.Zeros(3, 2, 5)));
        Assert.Contains("reverse-time", e.Message);
        Assert.Contains("[3, 2, 5]", e.Message);
        e = Assert.Throws<ArgumentException>(() => backend.RepeatVector(s.Zeros(2, 4), s.Zeros(3, 2, 5)));
        Assert.Contains("repeat-vector", e.Message);
        e = Assert.Throws<ArgumentException>(() => backend.ConcatFeatures(s.Zeros(2, 4), s.Zeros(3, 1), s.Zeros(2, 5)));
        Assert.Contains("concat-features", e.Message);
        Assert.Contains("[3, 1]", e.Message);
    }

    private static double Dot(float[] a, double[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    private static void AssertAdjoint(double lhs, double rhs, string what, string device) =>
        Assert.True(Tolerances.Reduction.Accepts(lhs, rhs), $"{what} on {device}: <Ax, w> = {lhs}, <x, A^T w> = {rhs}");
}
