using RnnEngine.Engine.Tests.Support;
using RnnEngine.Engine.Verification;
using Xunit;

namespace RnnEngine.Engine.Tests.Ops;

public class ActivationTests
{
    private const float Slope = 0.02f;

    [Theory, LocalBackends, CudaBackend]
    public void ForwardAndBackwardMatchReference(string device)
    {
        var backend = TestBackends.Get(device);
        foreach (ActivationKind kind in Enum.GetValues<ActivationKind>())
        foreach (int n in ElementwiseTests.Sizes)
        {
            double[] x = Data.Uniform(10 + n, n, -6, 6), dy = Data.Uniform(20 + n, n);
            using var s = new TensorScope(backend);
            var tx = s.Of(Data.ToFloat(x), n);
            var ty = s.Zeros(n);
            var tdy = s.Of(Data.ToFloat(dy), n);
            var tdx = s.Zeros(n);
            backend.Activation(kind, tx, ty, Slope);
            backend.ActivationBackward(kind, tx, ty, tdy, tdx, Slope);

            var y = new double[n];
            var dx = new double[n];
            Reference.Activation(kind, Data.ToDouble(tx.ToArray()), y, Slope);
            Reference.ActivationBackward(kind, Data.ToDouble(tx.ToArray()), dy, dx, Slope);
            Data.Close(y, ty.ToArray(), Tolerances.Transcendental, $"{kind} n={n} on {device}");
            Data.Close(dx, tdx.ToArray(), Tolerances.Transcendental, $"{kind} backward n={n} on {device}");
        }
    }

    [Theory, LocalBackends, CudaBackend]
    public void SaturatesWithoutOverflow(string device)
    {
        var backend = TestBackends.Get(device);
        float[] x = [-1e30f, -200f, -90f, -20f, 0f, 20f, 90f, 200f, 1e30f, -88.5f, 88.5f, 1e-8f, -1e-8f, 3f, -3f, 50f, -50f];
        using var s = new TensorScope(backend);
        var tx = s.Of(x, x.Length);
        var ty = s.Zeros(x.Length);
        foreach (var kind in new[] { ActivationKind.Sigmoid, ActivationKind.Tanh })
        {
            backend.Activation(kind, tx, ty);
            float[] y = ty.ToArray();
            var expected = new double[x.Length];
            Reference.Activation(kind, Data.ToDouble(x), expected);
            Data.Close(expected, y, Tolerances.Transcendental, $"{kind} at extreme inputs on {device}");
        }
    }

    [Fact]
    public void ShapeMismatchNamesOpAndShapes()
    {
        var backend = TestBackends.Get("cpu");
        using var s = new TensorScope(backend);
        var e = Assert.Throws<ArgumentException>(() => backend.Activation(ActivationKind.Tanh, s.Zeros(2, 3), s.Zeros(3, 3)));
        Assert.Contains("activation", e.Message);
        Assert.Contains("[2, 3]", e.Message);
        Assert.Contains("[3, 3]", e.Message);
        e = Assert.Throws<ArgumentException>(() =>
            backend.ActivationBackward(ActivationKind.Relu, s.Zeros(4), s.Zeros(4), s.Zeros(5), s.Zeros(4)));
        Assert.Contains("activation-backward", e.Message);
        Assert.Contains("[5]", e.Message);
    }
}
