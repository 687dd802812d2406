using RnnEngine.Engine.Tests.Support;
using RnnEngine.Engine.Verification;
using Xunit;

namespace RnnEngine.Engine.Tests.Ops;

public class LossTests
{
    // 300 spans two ILGPU groups; 5000 spans two cpu summation blocks; 20001 fills every ILGPU group with a grid stride
    // (the simulator runs that size once, in the sum of squares, which shares the loss kernel).
    private static int[] Sizes(string device) => device == "ilgpu-cpu" ? [1, 7, 33, 300] : [1, 7, 33, 300, 5000, 20001];

    [Theory, LocalBackends, CudaBackend]
    public void MseAndMaeMatchReference(string device)
    {
        var backend = TestBackends.Get(device);
        foreach (int n in Sizes(device))
        foreach (bool mse in new[] { true, false })
        {
            double[] p = Data.Uniform(n, n), t = Data.Uniform(n + 1, n);
            if (n > 1) t[1] = p[1] = 0.25f;  // one exact match: the MAE gradient is 0 there
            using var s = new TensorScope(backend);
            var tp = s.Of(Data.ToFloat(p), n);
            var tt = s.Of(Data.ToFloat(t), n);
            var tg = s.Zeros(n);
            var g = new double[n];
            double expected = mse ? Reference.MseLoss(p, t, g) : Reference.MaeLoss(p, t, g);
            float loss = mse ? backend.MseLoss(tp, tt, tg) : backend.MaeLoss(tp, tt, tg);
            float lossNoGrad = mse ? backend.MseLoss(tp, tt, null) : backend.MaeLoss(tp, tt, null);
            string what = $"{(mse ? "mse" : "mae")} n={n} on {device}";
            Data.Close([expected], [loss], Tolerances.Reduction, what);
            Assert.Equal(loss, lossNoGrad);
            Data.Close(g, tg.ToArray(), Tolerances.Pointwise, what + " gradient");
        }
    }

    [Theory, LocalBackends, CudaBackend]
    public void SumSquaresMatchesReference(string device)
    {
        var backend = TestBackends.Get(device);
        foreach (int n in Sizes(device).Append(20001).Distinct())
        {
            double[] x = Data.Uniform(3 * n, n, -2, 2);
            using var s = new TensorScope(backend);
            float got = backend.SumSquares(s.Of(Data.ToFloat(x), n));
            Data.Close([Reference.SumSquares(x)], [got], Tolerances.Reduction, $"sum-squares n={n} on {device}");
        }
    }

    [Fact]
    public void ShapeMismatchNamesOpAndShapes()
    {
        var backend = TestBackends.Get("cpu");
        using var s = new TensorScope(backend);
        var e = Assert.Throws<ArgumentException>(() => backend.MseLoss(s.Zeros(3, 4), s.Zeros(4, 3, 2), null));
        Assert.Contains("mse-loss", e.Message);
        Assert.Contains("[3, 4]", e.Message);
        Assert.Contains("[4, 3, 2]", e.Message);
        e = Assert.Throws<ArgumentException>(() => backend.MaeLoss(s.Zeros(3, 4), s.Zeros(3, 4), s.Zeros(5)));
        Assert.Contains("mae-loss", e.Message);
        Assert.Contains("[5]", e.Message);
    }
}
