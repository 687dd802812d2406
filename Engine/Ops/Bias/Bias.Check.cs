using RnnEngine.Engine.Verification;

namespace RnnEngine.Engine;

/// <summary>y[5, 7] = x + bias[7]; dX = dY (a backend copy) and dBias = column sums of dY.</summary>
public sealed class BiasAddCheck : GradCheck
{
    private const int N = 5, F = 7;

    public override string Name => "bias-add";

    public override Tolerances.Tol ForwardTolerance => Tolerances.Pointwise;

    protected override CheckInput[] MakeInputs(Random rng) => [new("x", Uniform(rng, N * F), [N, F]), new("bias", Uniform(rng, F), [F])];

    protected override double[] ReferenceForward(double[][] x)
    {
        var y = new double[N * F];
        Reference.AddBias(N, F, x[0], x[1], y);
        return y;
    }

    protected override (float[] Output, float[]?[] Gradients) Analytic(Backend backend, float[][] x, float[] dOut) =>
        WithTensors(backend, s =>
        {
            var xt = s.Of(x[0], N, F);
            var bias = s.Of(x[1], F);
            var y = s.Zeros(N, F);
            backend.AddBias(xt, bias, y);
            var dy = s.Of(dOut, N, F);
            var dx = s.Zeros(N, F);
            var db = s.Zeros(F);
            backend.Copy(dy, dx);
            backend.ColumnSum(dy, db, accumulate: false);
            return (y.ToArray(), new float[]?[] { dx.ToArray(), db.ToArray() });
        });
}

/// <summary>
/// y[7] = y0 + column sums of x[5, 7] (the accumulating form layers use). dX[n, f] = dY[f], broadcast by a backend
/// bias-add onto zeros; dY0 = dY.
/// </summary>
public sealed class ColumnSumCheck : GradCheck
{
    private const int N = 5, F = 7;

    public override string Name => "column-sum";

    public override Tolerances.Tol ForwardTolerance => Tolerances.Reduction;

    protected override CheckInput[] MakeInputs(Random rng) => [new("x", Uniform(rng, N * F), [N, F]), new("y0", Uniform(rng, F), [F])];

    protected override double[] ReferenceForward(double[][] x)
    {
        var y = (double[])x[1].Clone();
        Reference.ColumnSum(N, F, x[0], y, accumulate: true);
        return y;
    }

    protected override (float[] Output, float[]?[] Gradients) Analytic(Backend backend, float[][] x, float[] dOut) =>
        WithTensors(backend, s =>
        {
            var xt = s.Of(x[0], N, F);
            var y = s.Of(x[1], F);
            backend.ColumnSum(xt, y, accumulate: true);
            var dy = s.Of(dOut, F);
            var dx = s.Zeros(N, F);
            backend.Fill(dx, 0f);
            backend.AddBias(dx, dy, dx);
            return (y.ToArray(), new float[]?[] { dx.ToArray(), (float[])dOut.Clone() });
        });
}
