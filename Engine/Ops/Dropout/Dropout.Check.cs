using RnnEngine.Engine.Verification;

namespace RnnEngine.Engine;

/// <summary>
/// Dropout of x[4, 8] with p = 0.3 and a fixed (seed, offset): the reference draws the same mask from CounterRng, so the
/// function is fixed and differentiable; the backward is the backend's dropout-backward with the mask it wrote.
/// </summary>
public sealed class DropoutCheck : GradCheck
{
    private const int N = 4, F = 8;
    private const float P = 0.3f;
    private const ulong Seed = 42, Offset = 1000;

    public override string Name => "dropout";

    public override Tolerances.Tol ForwardTolerance => Tolerances.Pointwise;

    protected override CheckInput[] MakeInputs(Random rng) => [new("x", Uniform(rng, N * F), [N, F])];

    protected override double[] ReferenceForward(double[][] x)
    {
        var y = new double[N * F];
        Reference.Dropout(x[0], y, new double[N * F], P, Seed, Offset);
        return y;
    }

    protected override (float[] Output, float[]?[] Gradients) Analytic(Backend backend, float[][] x, float[] dOut) =>
        WithTensors(backend, s =>
        {
            var xt = s.Of(x[0], N, F);
            var y = s.Zeros(N, F);
            var mask = s.Zeros(N, F);
            backend.Dropout(xt, y, mask, P, Seed, Offset);
            var dy = s.Of(dOut, N, F);
            var dx = s.Zeros(N, F);
            backend.DropoutBackward(dy, mask, dx);
            return (y.ToArray(), new float[]?[] { dx.ToArray() });
        });
}
