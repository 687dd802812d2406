using RnnEngine.Engine;
using RnnEngine.Engine.Verification;
using RnnEngine.Models.Architectures;

namespace RnnEngine.Models.Verification;

/// <summary>
/// Finite-difference check of one teacher-forced training step of <see cref="GruAttentionSeq2Seq"/> (seed 004): the
/// output is the logits [Ty, B, V] followed by the masked cross-entropy (one target is padding), differentiated with
/// respect to every parameter (both embeddings, encoder GRU, attention, decoder cell, output layer). The float64 spec
/// chains the engine's layer references step by step. Token ids are fixed and never the padding id on the input side
/// (the padding rows get no gradient by design).
/// </summary>
public sealed class GruAttentionSeq2SeqCheck(DecoderState state, int v = 6, int e = 3, int h = 3, int tx = 3, int ty = 3, int b = 2) : GradCheck
{
    private readonly int[] source = Ids(tx * b, 1, v);
    private readonly int[] decoderInput = Ids(ty * b, 2, v);
    private readonly int[] targets = TargetIds(ty * b, v);

    public override string Name => state == DecoderState.Carry ? "gru-attention-seq2seq" : "gru-attention-seq2seq-reset";

    public override Tolerances.Tol GradientTolerance => Tolerances.RecurrentGradient;

    private static int[] Ids(int n, int salt, int v) => Enumerable.Range(0, n).Select(i => 1 + (i * 3 + salt) % (v - 1)).ToArray();

    private static int[] TargetIds(int n, int v)
    {
        var t = Enumerable.Range(0, n).Select(i => 1 + (i * 5 + 1) % (v - 1)).ToArray();
        t[^1] = 0;  // padding: masked out of the loss
        return t;
    }

    protected override CheckInput[] MakeInputs(Random rng)
    {
        double W(int fan) => 1 / Math.Sqrt(fan);
        CheckInput P(string name, int[] shape, double bound) => new(name, Uniform(rng, shape.Aggregate(1, (x, y) => x * y), -bound, bound), shape);
        return
        [
            P("encoder.embedding", [v, e], 1),
            P("encoder.weight_ih", [3 * h, e], 0.8), P("encoder.weight_hh", [3 * h, h], 0.8),
            P("encoder.bias_ih", [3 * h], 0.5), P("encoder.bias_hh", [3 * h], 0.5),
            P("attention.w_key", [h, h], 0.8), P("attention.b_key", [h], 0.5), P("attention.w_query", [h, h], 0.8), P("attention.v", [h], 0.8),
            P("decoder.embedding", [v, e], 1),
            P("decoder.weight_ih", [3 * h, e + h], 0.8), P("decoder.weight_hh", [3 * h, h], 0.8),
            P("decoder.bias_ih", [3 * h], 0.5), P("decoder.bias_hh", [3 * h], 0.5),
            P("output.weight", [v, h], W(h)), P("output.bias", [v], 0.5),
        ];
    }

    protected override double[] ReferenceForward(double[][] x)
    {
        var encEmb = new double[tx * b * e];
        Reference.EmbeddingGather(e, x[0], source, encEmb);
        var enc = new double[tx * b * h];
        var state0 = new double[b * h];
        Reference.Gru(tx, b, e, h, 1, encEmb, [], [[x[1], x[2], x[3], x[4]]], enc, state0);
        var decEmb = new double[ty * b * e];
        Reference.EmbeddingGather(e, x[9], decoderInput, decEmb);
        double[][][] cell = [[x[10], x[11], x[12], x[13]]];
        var outs = new double[ty * b * h];
        double[] s = state0;
        for (int i = 0; i < ty; i++)
        {
            var context = new double[b * h];
            Reference.BahdanauAttention(tx, b, h, h, h, enc, s, [], x[5], x[6], x[7], x[8], context, new double[tx * b]);
            var input = new double[b * (e + h)];
            Reference.ConcatFeatures(b, e, h, decEmb.AsSpan(i * b * e, b * e), context, input);
            var next = new double[b * h];
            Reference.Gru(1, b, e + h, h, 1, input, state == DecoderState.Carry ? s : [], cell, outs.AsSpan(i * b * h, b * h), next);
            s = next;
        }
        var result = new double[ty * b * v + 1];
        Reference.Linear(ty * b, h, v, outs, x[14], x[15], result.AsSpan(0, ty * b * v));
        result[^1] = Reference.SoftmaxCrossEntropy(ty * b, v, result.AsSpan(0, ty * b * v), targets, 0, [], out _);
        return result;
    }

    protected override (float[] Output, float[]?[] Gradients) Analytic(Backend backend, float[][] x, float[] dOut) =>
        WithTensors(backend, sc =>
        {
            using var model = new GruAttentionSeq2Seq(backend, v, e, h, state, seed: 5);
            if (model.Parameters.Count != x.Length) throw new InvalidOperationException($"seq2seq check: {x.Length} inputs for {model.Parameters.Count} parameters");
            for (int p = 0; p < x.Length; p++) model.Parameters[p].Value.CopyFrom(x[p]);
            var logits = model.Forward(source, decoderInput, tx, ty, b);
            using var targetIds = backend.Ids(targets);
            var dCe = sc.Zeros(ty, b, v);
            float loss = backend.SoftmaxCrossEntropy(logits.Reshape(ty * b, v), targetIds, 0, dCe.Reshape(ty * b, v), out _);
            var dLogits = sc.Of(dOut[..(ty * b * v)], ty, b, v);
            backend.Axpy(dOut[^1], dCe, dLogits);
            var output = new float[ty * b * v + 1];
            logits.CopyTo(output.AsSpan(0, ty * b * v));
            output[^1] = loss;
            model.Backward(dLogits);
            return (output, model.Parameters.Select(p => (float[]?)p.Grad.ToArray()).ToArray());
        });
}
