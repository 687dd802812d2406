using RnnEngine.Engine.Verification;

namespace RnnEngine.Engine;

/// <summary>
/// MSE or MAE of pred[3, 5] against a fixed target: the output is the scalar loss, the gradient of pred is the op's grad
/// scaled by dL/dloss on the backend. For MAE every |pred - target| is at least 0.05 (away from the kink of |.|).
/// </summary>
public sealed class LossCheck(LossKind kind) : GradCheck
{
    private const int N = 3, F = 5;

    public override string Name => kind == LossKind.Squared ? "mse" : "mae";

    public override Tolerances.Tol ForwardTolerance => Tolerances.Reduction;

    protected override CheckInput[] MakeInputs(Random rng)
    {
        double[] p = Uniform(rng, N * F), t = Uniform(rng, N * F);
        for (int i = 0; i < p.Length; i++)
            if (Math.Abs(p[i] - t[i]) < 0.05) p[i] = t[i] + (p[i] < t[i] ? -0.05 : 0.05);
        return [new("pred", p, [N, F]), new("target", t, [N, F], Differentiable: false)];
    }

    protected override double[] ReferenceForward(double[][] x) =>
        [kind == LossKind.Squared ? Reference.MseLoss(x[0], x[1], default) : Reference.MaeLoss(x[0], x[1], default)];

    protected override (float[] Output, float[]?[] Gradients) Analytic(Backend backend, float[][] x, float[] dOut) =>
        WithTensors(backend, s =>
        {
            var p = s.Of(x[0], N, F);
            var t = s.Of(x[1], N, F);
            var g = s.Zeros(N, F);
            float loss = kind == LossKind.Squared ? backend.MseLoss(p, t, g) : backend.MaeLoss(p, t, g);
            backend.Scale(g, dOut[0]);
            return (new[] { loss }, new float[]?[] { g.ToArray(), null });
        });
}
