using RnnEngine.Engine.Verification;

namespace RnnEngine.Engine;

/// <summary>Row softmax of x[4, 6] in [-3, 3]; the backward is the backend's softmax-backward from the saved output.</summary>
public sealed class SoftmaxCheck : GradCheck
{
    private const int N = 4, F = 6;

    public override string Name => "softmax";

    public override Tolerances.Tol ForwardTolerance => Tolerances.Reduction;

    protected override CheckInput[] MakeInputs(Random rng) => [new("x", Uniform(rng, N * F, -3, 3), [N, F])];

    protected override double[] ReferenceForward(double[][] x)
    {
        var y = new double[N * F];
        Reference.Softmax(N, F, x[0], y);
        return y;
    }

    protected override (float[] Output, float[]?[] Gradients) Analytic(Backend backend, float[][] x, float[] dOut) =>
        WithTensors(backend, s =>
        {
            var xt = s.Of(x[0], N, F);
            var y = s.Zeros(N, F);
            backend.Softmax(xt, y);
            var dy = s.Of(dOut, N, F);
            var dx = s.Zeros(N, F);
            backend.SoftmaxBackward(y, dy, dx);
            return (y.ToArray(), new float[]?[] { dx.ToArray() });
        });
}
