using RnnEngine.Engine.Tests.Support;
using RnnEngine.Engine.Verification;
using Xunit;

namespace RnnEngine.Engine.Tests.Ops;

public class ReduceTests
{
    [Theory, LocalBackends, CudaBackend]
    public void ReduceRowsAndBackwardMatchReference(string device)
    {
        var backend = TestBackends.Get(device);
        foreach (ReductionKind kind in Enum.GetValues<ReductionKind>())
        foreach (var (n, f) in new[] { (1, 1), (3, 7), (2, 33), (4, 17) })
        {
            double[] x = Data.Uniform(n * 100 + f, n * f), dy = Data.Uniform(7, n);
            using var s = new TensorScope(backend);
            var tx = s.Of(Data.ToFloat(x), n, f);
            var ty = s.Zeros(n);
            var tdy = s.Of(Data.ToFloat(dy), n);
            var tdx = s.Zeros(n, f);
            backend.ReduceRows(kind, tx, ty);
            backend.ReduceRowsBackward(kind, tx, ty, tdy, tdx);

            var y = new double[n];
            var dx = new double[n * f];
            Reference.ReduceRows(kind, n, f, x, y);
            Reference.ReduceRowsBackward(kind, n, f, x, dy, dx);
            Data.Close(y, ty.ToArray(), Tolerances.Reduction, $"reduce-{kind} [{n},{f}] on {device}");
            Data.Close(dx, tdx.ToArray(), Tolerances.Pointwise, $"reduce-{kind} backward [{n},{f}] on {device}");
        }
    }

    [Theory, LocalBackends, CudaBackend]
    public void MaxGradientGoesToTheFirstOfTiedMaxima(string device)
    {
        var backend = TestBackends.Get(device);
        using var s = new TensorScope(backend);
        var x = s.Of([1f, 3f, 3f, -2f, -5f, -5f, -5f, -7f], 2, 4);
        var y = s.Zeros(2);
        var dx = s.Zeros(2, 4);
        backend.ReduceRows(ReductionKind.Max, x, y);
        backend.ReduceRowsBackward(ReductionKind.Max, x, y, s.Of([2f, 4f], 2), dx);
        Assert.Equal(new float[] { 3f, -5f }, y.ToArray());
        Assert.Equal(new float[] { 0, 2, 0, 0, 4, 0, 0, 0 }, dx.ToArray());
    }

    [Fact]
    public void ShapeMismatchNamesOpAndShapes()
    {
        var backend = TestBackends.Get("cpu");
        using var s = new TensorScope(backend);
        var e = Assert.Throws<ArgumentException>(() => backend.ReduceRows(ReductionKind.Sum, s.Zeros(3, 4), s.Zeros(4)));
        Assert.Contains("reduce-rows", e.Message);
        Assert.Contains("[3, 4]", e.Message);
        Assert.Contains("[4]", e.Message);
        e = Assert.Throws<ArgumentException>(() =>
            backend.ReduceRowsBackward(ReductionKind.Max, s.Zeros(3, 4), s.Zeros(3), s.Zeros(3), s.Zeros(4, 2)));
        Assert.Contains("reduce-rows-backward", e.Message);
        Assert.Contains("[4, 2]", e.Message);
    }
}
