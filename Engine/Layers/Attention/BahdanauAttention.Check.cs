using RnnEngine.Engine.Layers;
using RnnEngine.Engine.Verification;

namespace RnnEngine.Engine;

/// <summary>
/// Finite-difference check of Bahdanau attention over two decoder steps sharing one encoder sequence, with one masked
/// step: output = both contexts; gradients with respect to the encoder states, both queries and every weight.
/// </summary>
public sealed class AttentionCheck(int t = 4, int b = 2, int h = 3, int q = 3, int a = 3, int steps = 2) : GradCheck
{
    public override string Name => "attention";

    protected override CheckInput[] MakeInputs(Random rng)
    {
        var mask = Enumerable.Repeat(1.0, t * b).ToArray();
        mask[(t - 1) * b + 1] = 0;  // the last step of batch row 1 is padding
        return
        [
            new("encoder", Uniform(rng, t * b * h), [t, b, h]),
            new("queries", Uniform(rng, steps * b * q), [steps, b, q]),
            new("mask", mask, [t, b], Differentiable: false),
            new("w_key", Uniform(rng, a * h), [a, h]),
            new("b_key", Uniform(rng, a, -0.5, 0.5), [a]),
            new("w_query", Uniform(rng, a * q), [a, q]),
            new("v", Uniform(rng, a), [a]),
        ];
    }

    protected override double[] ReferenceForward(double[][] x)
    {
        var outp = new double[steps * b * h];
        for (int s = 0; s < steps; s++)
            Reference.BahdanauAttention(t, b, h, q, a, x[0], x[1].AsSpan(s * b * q, b * q), x[2], x[3], x[4], x[5], x[6],
                outp.AsSpan(s * b * h, b * h), new double[t * b]);
        return outp;
    }

    protected override (float[] Output, float[]?[] Gradients) Analytic(Backend backend, float[][] x, float[] dOut) =>
        WithTensors(backend, sc =>
        {
            using var attn = new BahdanauAttention(backend, h, q, a, seed: 3);
            for (int p = 0; p < 4; p++) attn.Parameters[p].Value.CopyFrom(x[3 + p]);
            var enc = sc.Of(x[0], t, b, h);
            var queries = sc.Of(x[1], steps, b, q);
            attn.SetEncoder(enc, sc.Of(x[2], t, b), steps);
            var contexts = sc.Zeros(steps, b, h);
            for (int s = 0; s < steps; s++) attn.Forward(s, queries.At(s), contexts.At(s));

            var dContexts = sc.Of(dOut, steps, b, h);
            var dQueries = sc.Zeros(steps, b, q);
            for (int s = steps - 1; s >= 0; s--) attn.Backward(s, dContexts.At(s), dQueries.At(s));
            var dEnc = sc.Zeros(t, b, h);
            attn.BackwardEncoder(dEnc);
            var grads = new List<float[]?> { dEnc.ToArray(), dQueries.ToArray(), null };
            grads.AddRange(attn.Parameters.Select(p => p.Grad.ToArray()));
            return (contexts.ToArray(), grads.ToArray());
        });
}
