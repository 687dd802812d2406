using RnnEngine.Engine.Layers;
using RnnEngine.Engine.Verification;

namespace RnnEngine.Engine;

/// <summary>
/// Finite-difference check of <see cref="Linear"/> and <see cref="Mlp"/>: output = (Mlp [F, H, O] with bias and leaky ReLU
/// on x, Linear F -> O without bias on x); gradients with respect to x (through both) and every parameter.
/// </summary>
public sealed class LinearCheck(int n = 3, int f = 4, int h = 5, int o = 3, float slope = 0.1f) : GradCheck
{
    public override string Name => "linear";

    protected override CheckInput[] MakeInputs(Random rng) =>
    [
        new("x", Uniform(rng, n * f), [n, f]),
        new("mlp.0.weight", Uniform(rng, h * f), [h, f]),
        new("mlp.0.bias", Uniform(rng, h), [h]),
        new("mlp.1.weight", Uniform(rng, o * h), [o, h]),
        new("mlp.1.bias", Uniform(rng, o), [o]),
        new("linear.weight", Uniform(rng, o * f), [o, f]),
    ];

    protected override double[] ReferenceForward(double[][] x)
    {
        var hidden = new double[n * h];
        Reference.Linear(n, f, h, x[0], x[1], x[2], hidden);
        Reference.Activation(ActivationKind.LeakyRelu, hidden, hidden, slope);
        var outp = new double[2 * n * o];
        Reference.Linear(n, h, o, hidden, x[3], x[4], outp.AsSpan(0, n * o));
        Reference.Linear(n, f, o, x[0], x[5], ReadOnlySpan<double>.Empty, outp.AsSpan(n * o));
        return outp;
    }

    protected override (float[] Output, float[]?[] Gradients) Analytic(Backend backend, float[][] x, float[] dOut) =>
        WithTensors(backend, s =>
        {
            using var mlp = new Mlp(backend, [f, h, o], ActivationKind.LeakyRelu, slope, seed: 1);
            using var lin = new Linear(backend, f, o, bias: false, seed: 2);
            for (int p = 0; p < 4; p++) mlp.Parameters[p].Value.CopyFrom(x[1 + p]);
            lin.Weight.Value.CopyFrom(x[5]);
            var xs = s.Of(x[0], n, f);
            var y1 = s.Zeros(n, o);
            var y2 = s.Zeros(n, o);
            mlp.Forward(xs, y1);
            lin.Forward(xs, y2);
            var dx1 = s.Zeros(n, f);
            var dx2 = s.Zeros(n, f);
            mlp.Backward(s.Of(dOut[..(n * o)], n, o), dx1);
            lin.Backward(s.Of(dOut[(n * o)..], n, o), dx2);
            backend.Add(dx1, dx2, dx1);
            var grads = new List<float[]?> { dx1.ToArray() };
            grads.AddRange(mlp.Parameters.Select(p => p.Grad.ToArray()));
            grads.Add(lin.Weight.Grad.ToArray());
            return ((float[])[.. y1.ToArray(), .. y2.ToArray()], grads.ToArray());
        });
}
