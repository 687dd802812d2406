using RnnEngine.Engine.Verification;

namespace RnnEngine.Engine;

/// <summary>
/// y = f(x) on [4, 9] with x in [-4, 4]; the backward is the backend's activation-backward. For relu and leaky relu the
/// inputs keep |x| >= 0.05, far from the kink compared with the finite-difference step.
/// </summary>
public sealed class ActivationCheck(ActivationKind kind) : GradCheck
{
    private const int N = 4, F = 9;
    private const float Slope = 0.1f;

    public override string Name => kind switch
    {
        ActivationKind.Sigmoid => "sigmoid",
        ActivationKind.Tanh => "tanh",
        ActivationKind.Relu => "relu",
        _ => "leaky-relu",
    };

    public override Tolerances.Tol ForwardTolerance => Tolerances.Transcendental;

    protected override CheckInput[] MakeInputs(Random rng)
    {
        double[] x = Uniform(rng, N * F, -4, 4);
        if (kind is ActivationKind.Relu or ActivationKind.LeakyRelu)
            for (int i = 0; i < x.Length; i++)
                if (Math.Abs(x[i]) < 0.05) x[i] = x[i] < 0 ? -0.05 - x[i] : 0.05 + x[i];
        return [new("x", x, [N, F])];
    }

    protected override double[] ReferenceForward(double[][] x)
    {
        var y = new double[N * F];
        Reference.Activation(kind, x[0], y, Slope);
        return y;
    }

    protected override (float[] Output, float[]?[] Gradients) Analytic(Backend backend, float[][] x, float[] dOut) =>
        WithTensors(backend, s =>
        {
            var xt = s.Of(x[0], N, F);
            var y = s.Zeros(N, F);
            backend.Activation(kind, xt, y, Slope);
            var dy = s.Of(dOut, N, F);
            var dx = s.Zeros(N, F);
            backend.ActivationBackward(kind, xt, y, dy, dx, Slope);
            return (y.ToArray(), new float[]?[] { dx.ToArray() });
        });
}
