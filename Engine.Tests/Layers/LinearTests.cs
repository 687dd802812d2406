using RnnEngine.Engine.Layers;
using RnnEngine.Engine.Tests.Support;
using RnnEngine.Engine.Verification;
using Xunit;

namespace RnnEngine.Engine.Tests.Layers;

public class LinearTests
{
    [Theory, LocalBackends, CudaBackend]
    public void GradCheckPasses(string device)
    {
        var r = GradCheckCatalog.Engine().Single(c => c.Name == "linear").Run(TestBackends.Get(device));
        Assert.True(r.Pass, $"{r.Name} on {device}: {r.Detail}");
    }

    [Theory, LocalBackends, CudaBackend]
    public void ReluMlpOnSequenceMatchesReference(string device)
    {
        // A [T, B, F] sequence goes through as one [T*B, F] matrix; the output layer is activated too.
        var backend = TestBackends.Get(device);
        const int t = 3, b = 2, f = 5, h = 4, o = 6;
        using var mlp = new Mlp(backend, [f, h, o], ActivationKind.Relu, activateOutput: true, seed: 9);
        double[] x = Data.Uniform(3, t * b * f);
        var p = mlp.Parameters.Select(q => Data.ToDouble(q.Value.ToArray())).ToArray();
        double[] hidden = new double[t * b * h], y = new double[t * b * o];
        Reference.Linear(t * b, f, h, x, p[0], p[1], hidden);
        Reference.Activation(ActivationKind.Relu, hidden, hidden);
        Reference.Linear(t * b, h, o, hidden, p[2], p[3], y);
        Reference.Activation(ActivationKind.Relu, y, y);
        Assert.Contains(y, v => v == 0);
        Assert.Contains(y, v => v > 0);

        using var s = new TensorScope(backend);
        var ty = s.Zeros(t, b, o);
        mlp.Forward(s.Of(Data.ToFloat(x), t, b, f), ty);
        Data.Close(y, ty.ToArray(), Tolerances.CheckForward, $"mlp on {device}");
    }

    [Fact]
    public void InitialisationFollowsTorchBoundsAndSeed()
    {
        var backend = TestBackends.Get("cpu");
        using var a = new Linear(backend, 16, 3, seed: 4);
        using var b = new Linear(backend, 16, 3, seed: 4);
        Assert.Equal(a.Weight.Value.ToArray(), b.Weight.Value.ToArray());
        Assert.All(a.Weight.Value.ToArray(), v => Assert.InRange(v, -0.25f, 0.25f));
        Assert.NotEqual(a.Weight.Value.ToArray()[..3], a.Bias!.Value.ToArray());
        using var c = new Linear(backend, 16, 3, bias: false);
        Assert.Single(c.Parameters);
    }

    [Fact]
    public void BadShapesThrowNamingLayerAndShapes()
    {
        var backend = TestBackends.Get("cpu");
        using var lin = new Linear(backend, 4, 3);
        using var mlp = new Mlp(backend, [4, 5, 3], ActivationKind.LeakyRelu);
        using var s = new TensorScope(backend);
        var e = Assert.Throws<ArgumentException>(() => lin.Forward(s.Zeros(2, 5), s.Zeros(2, 3)));
        Assert.Contains("linear", e.Message);
        Assert.Contains("[2, 5]", e.Message);
        e = Assert.Throws<ArgumentException>(() => lin.Forward(s.Zeros(2, 4), s.Zeros(3, 3)));
        Assert.Contains("[3, 3]", e.Message);
        e = Assert.Throws<ArgumentException>(() => mlp.Forward(s.Zeros(2, 4), s.Zeros(2, 5)));
        Assert.Contains("mlp", e.Message);
        Assert.Contains("[2, 5]", e.Message);
    }
}
