using RnnEngine.Engine.Verification;

namespace RnnEngine.Engine;

/// <summary>
/// y[5] = sum / mean / max over the rows of x[5, 7]; the backward is the backend's reduce-rows-backward. For max each row
/// holds distinct values at least 0.2 apart (a shuffled ladder plus noise), so no tie lies within a finite-difference step.
/// </summary>
public sealed class ReduceRowsCheck(ReductionKind kind) : GradCheck
{
    private const int N = 5, F = 7;

    public override string Name => "reduce-" + kind.ToString().ToLowerInvariant();

    public override Tolerances.Tol ForwardTolerance => Tolerances.Reduction;

    protected override CheckInput[] MakeInputs(Random rng)
    {
        double[] x = Uniform(rng, N * F);
        if (kind == ReductionKind.Max)
            for (int n = 0; n < N; n++)
            {
                int[] order = Enumerable.Range(0, F).OrderBy(_ => rng.Next()).ToArray();
                for (int f = 0; f < F; f++) x[n * F + f] = -1 + 0.3 * order[f] + 0.05 * rng.NextDouble();
            }
        return [new("x", x, [N, F])];
    }

    protected override double[] ReferenceForward(double[][] x)
    {
        var y = new double[N];
        Reference.ReduceRows(kind, N, F, x[0], y);
        return y;
    }

    protected override (float[] Output, float[]?[] Gradients) Analytic(Backend backend, float[][] x, float[] dOut) =>
        WithTensors(backend, s =>
        {
            var xt = s.Of(x[0], N, F);
            var y = s.Zeros(N);
            backend.ReduceRows(kind, xt, y);
            var dy = s.Of(dOut, N);
            var dx = s.Zeros(N, F);
            backend.ReduceRowsBackward(kind, xt, y, dy, dx);
            return (y.ToArray(), new float[]?[] { dx.ToArray() });
        });
}
