using RnnEngine.Engine.Tests.Support;
using RnnEngine.Engine.Verification;
using Xunit;

namespace RnnEngine.Engine.Tests.Ops;

public class SoftmaxTests
{
    [Theory, LocalBackends, CudaBackend]
    public void ForwardAndBackwardMatchReference(string device)
    {
        var backend = TestBackends.Get(device);
        foreach (var (n, f) in new[] { (1, 1), (3, 7), (2, 33), (5, 17) })
        {
            double[] x = Data.Uniform(n + f, n * f, -5, 5), dy = Data.Uniform(9, n * f);
            using var s = new TensorScope(backend);
            var tx = s.Of(Data.ToFloat(x), n, f);
            var ty = s.Zeros(n, f);
            var tdy = s.Of(Data.ToFloat(dy), n, f);
            var tdx = s.Zeros(n, f);
            backend.Softmax(tx, ty);
            backend.SoftmaxBackward(ty, tdy, tdx);

            var y = new double[n * f];
            var dx = new double[n * f];
            Reference.Softmax(n, f, x, y);
            Reference.SoftmaxBackward(n, f, y, dy, dx);
            Data.Close(y, ty.ToArray(), Tolerances.Reduction, $"softmax [{n},{f}] on {device}");
            Data.Close(dx, tdx.ToArray(), Tolerances.Reduction, $"softmax backward [{n},{f}] on {device}");
        }
    }

    [Theory, LocalBackends, CudaBackend]
    public void LargeLogitsDoNotOverflowAndInPlaceWorks(string device)
    {
        var backend = TestBackends.Get(device);
        float[] x = [1000f, 999f, -1000f, 0f, 88f, 89f, 90f, -3e38f, 3e38f];
        using var s = new TensorScope(backend);
        var t = s.Of(x, 3, 3);
        backend.Softmax(t, t);
        var expected = new double[9];
        Reference.Softmax(3, 3, Data.ToDouble(x), expected);
        Data.Close(expected, t.ToArray(), Tolerances.Reduction, $"softmax of extreme logits on {device}");
    }

    [Fact]
    public void ShapeMismatchNamesOpAndShapes()
    {
        var backend = TestBackends.Get("cpu");
        using var s = new TensorScope(backend);
        var e = Assert.Throws<ArgumentException>(() => backend.Softmax(s.Zeros(3, 4), s.Zeros(3, 5)));
        Assert.Contains("softmax", e.Message);
        Assert.Contains("[3, 4]", e.Message);
        Assert.Contains("[3, 5]", e.Message);
        e = Assert.Throws<ArgumentException>(() => backend.SoftmaxBackward(s.Zeros(2, 2), s.Zeros(2, 2), s.Zeros(3)));
        Assert.Contains("softmax-backward", e.Message);
        Assert.Contains("[3]", e.Message);
    }
}
