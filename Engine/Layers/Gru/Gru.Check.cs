using RnnEngine.Engine.Layers;
using RnnEngine.Engine.Verification;

namespace RnnEngine.Engine;

/// <summary>
/// Finite-difference check of the GRU layer: output = (y, hN) flattened, so the weighting reaches the layer through both
/// dy and dhN; gradients with respect to x, a non-zero h0 and every parameter of every layer.
/// </summary>
public sealed class GruCheck(int layers, int t = 4, int b = 2, int f = 3, int h = 3) : GradCheck
{
    public override string Name => layers == 1 ? "gru" : $"gru-{layers}layer";

    public override Tolerances.Tol GradientTolerance => Tolerances.RecurrentGradient;

    protected override CheckInput[] MakeInputs(Random rng)
    {
        var list = new List<CheckInput>
        {
            new("x", Uniform(rng, t * b * f), [t, b, f]),
            new("h0", Uniform(rng, layers * b * h, -0.8, 0.8), [layers, b, h]),
        };
        for (int l = 0; l < layers; l++)
        {
            int inSize = l == 0 ? f : h;
            list.Add(new($"weight_ih_l{l}", Uniform(rng, 3 * h * inSize, -0.7, 0.7), [3 * h, inSize]));
            list.Add(new($"weight_hh_l{l}", Uniform(rng, 3 * h * h, -0.7, 0.7), [3 * h, h]));
            list.Add(new($"bias_ih_l{l}", Uniform(rng, 3 * h, -0.5, 0.5), [3 * h]));
            list.Add(new($"bias_hh_l{l}", Uniform(rng, 3 * h, -0.5, 0.5), [3 * h]));
        }
        return [.. list];
    }

    protected override double[] ReferenceForward(double[][] x)
    {
        var weights = new double[layers][][];
        for (int l = 0; l < layers; l++) weights[l] = [x[2 + 4 * l], x[3 + 4 * l], x[4 + 4 * l], x[5 + 4 * l]];
        var outp = new double[t * b * h + layers * b * h];
        Reference.Gru(t, b, f, h, layers, x[0], x[1], weights, outp.AsSpan(0, t * b * h), outp.AsSpan(t * b * h));
        return outp;
    }

    protected override (float[] Output, float[]?[] Gradients) Analytic(Backend backend, float[][] x, float[] dOut) =>
        WithTensors(backend, s =>
        {
            using var gru = new Gru(backend, f, h, layers, seed: 7);
            for (int p = 0; p < gru.Parameters.Count; p++) gru.Parameters[p].Value.CopyFrom(x[2 + p]);
            var xs = s.Of(x[0], t, b, f);
            var h0 = s.Of(x[1], layers, b, h);
            var y = s.Zeros(t, b, h);
            var hN = s.Zeros(layers, b, h);
            gru.Forward(xs, h0, y, hN, training: true);

            int ny = t * b * h;
            var dy = s.Of(dOut[..ny], t, b, h);
            var dhN = s.Of(dOut[ny..], layers, b, h);
            var dx = s.Zeros(t, b, f);
            var dh0 = s.Zeros(layers, b, h);
            gru.Backward(dy, dhN, dx, dh0);

            var grads = new List<float[]?> { dx.ToArray(), dh0.ToArray() };
            grads.AddRange(gru.Parameters.Select(p => p.Grad.ToArray()));
            return ((float[])[.. y.ToArray(), .. hN.ToArray()], grads.ToArray());
        });
}
