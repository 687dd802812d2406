using RnnEngine.Engine.Verification;

namespace RnnEngine.Engine;

/// <summary>y = a + b on [3, 7]; the backward is dA = dB = dY, run as two backend copies.</summary>
public sealed class AddCheck : GradCheck
{
    public override string Name => "add";

    public override Tolerances.Tol ForwardTolerance => Tolerances.Pointwise;

    protected override CheckInput[] MakeInputs(Random rng) => [new("a", Uniform(rng, 21), [3, 7]), new("b", Uniform(rng, 21), [3, 7])];

    protected override double[] ReferenceForward(double[][] x)
    {
        var y = new double[21];
        Reference.Add(x[0], x[1], y);
        return y;
    }

    protected override (float[] Output, float[]?[] Gradients) Analytic(Backend backend, float[][] x, float[] dOut) =>
        WithTensors(backend, s =>
        {
            var a = s.Of(x[0], 3, 7);
            var b = s.Of(x[1], 3, 7);
            var y = s.Zeros(3, 7);
            backend.Add(a, b, y);
            var dy = s.Of(dOut, 3, 7);
            var da = s.Zeros(3, 7);
            var db = s.Zeros(3, 7);
            backend.Copy(dy, da);
            backend.Copy(dy, db);
            return (y.ToArray(), new float[]?[] { da.ToArray(), db.ToArray() });
        });
}

/// <summary>y = a * b on [3, 7]; dA = dY * b and dB = dY * a, run as backend multiplies.</summary>
public sealed class MulCheck : GradCheck
{
    public override string Name => "mul";

    public override Tolerances.Tol ForwardTolerance => Tolerances.Pointwise;

    protected override CheckInput[] MakeInputs(Random rng) => [new("a", Uniform(rng, 21), [3, 7]), new("b", Uniform(rng, 21), [3, 7])];

    protected override double[] ReferenceForward(double[][] x)
    {
        var y = new double[21];
        Reference.Mul(x[0], x[1], y);
        return y;
    }

    protected override (float[] Output, float[]?[] Gradients) Analytic(Backend backend, float[][] x, float[] dOut) =>
        WithTensors(backend, s =>
        {
            var a = s.Of(x[0], 3, 7);
            var b = s.Of(x[1], 3, 7);
            var y = s.Zeros(3, 7);
            backend.Mul(a, b, y);
            var dy = s.Of(dOut, 3, 7);
            var da = s.Zeros(3, 7);
            var db = s.Zeros(3, 7);
            backend.Mul(dy, b, da);
            backend.Mul(dy, a, db);
            return (y.ToArray(), new float[]?[] { da.ToArray(), db.ToArray() });
        });
}
