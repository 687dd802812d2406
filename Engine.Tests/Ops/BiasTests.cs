using RnnEngine.Engine.Tests.Support;
using RnnEngine.Engine.Verification;
using Xunit;

namespace RnnEngine.Engine.Tests.Ops;

public class BiasTests
{
    [Theory, LocalBackends, CudaBackend]
    public void AddBiasAndColumnSumMatchReference(string device)
    {
        var backend = TestBackends.Get(device);
        foreach (var (n, f) in new[] { (1, 1), (3, 7), (5, 33), (2, 17) })
        {
            double[] x = Data.Uniform(1, n * f), bias = Data.Uniform(2, f), y0 = Data.Uniform(3, f);
            using var s = new TensorScope(backend);
            var tx = s.Of(Data.ToFloat(x), n, f);
            var tb = s.Of(Data.ToFloat(bias), f);
            var ty = s.Zeros(n, f);

            var expected = new double[n * f];
            Reference.AddBias(n, f, x, bias, expected);
            backend.AddBias(tx, tb, ty);
            Data.Close(expected, ty.ToArray(), Tolerances.Pointwise, $"add-bias [{n},{f}] on {device}");
            backend.AddBias(tx, tb, tx);  // in place
            Data.Close(expected, tx.ToArray(), Tolerances.Pointwise, $"add-bias in place [{n},{f}] on {device}");

            var sums = (double[])y0.Clone();
            Reference.ColumnSum(n, f, expected, sums, accumulate: true);
            var tsum = s.Of(Data.ToFloat(y0), f);
            backend.ColumnSum(ty, tsum, accumulate: true);
            Data.Close(sums, tsum.ToArray(), Tolerances.Reduction, $"column-sum accumulate [{n},{f}] on {device}");

            Reference.ColumnSum(n, f, expected, sums, accumulate: false);
            backend.ColumnSum(ty, tsum, accumulate: false);
            Data.Close(sums, tsum.ToArray(), Tolerances.Reduction, $"column-sum overwrite [{n},{f}] on {device}");
        }
    }

    [Fact]
    public void ShapeMismatchNamesOpAndShapes()
    {
        var backend = TestBackends.Get("cpu");
        using var s = new TensorScope(backend);
        var e = Assert.Throws<ArgumentException>(() => backend.AddBias(s.Zeros(3, 4), s.Zeros(5), s.Zeros(3, 4)));
        Assert.Contains("add-bias", e.Message);
        Assert.Contains("[5]", e.Message);
        Assert.Contains("[3, 4]", e.Message);
        e = Assert.Throws<ArgumentException>(() => backend.ColumnSum(s.Zeros(3, 4), s.Zeros(3), false));
        Assert.Contains("column-sum", e.Message);
        Assert.Contains("[3]", e.Message);
        Assert.Contains("[3, 4]", e.Message);
    }
}
