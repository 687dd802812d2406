using RnnEngine.Engine.Verification;

namespace RnnEngine.Engine;

/// <summary>Finite-difference check of the embedding lookup with respect to the table (ids repeat, one row is unused).</summary>
public sealed class EmbeddingCheck(int vocab = 5, int dim = 3) : GradCheck
{
    private static readonly int[] Tokens = [3, 1, 3, 0, 2, 3, 1];

    public override string Name => "embedding";

    protected override CheckInput[] MakeInputs(Random rng) =>
    [
        new("table", Uniform(rng, vocab * dim), [vocab, dim]),
        new("ids", Tokens.Select(i => (double)i).ToArray(), [Tokens.Length], Differentiable: false),
    ];

    protected override double[] ReferenceForward(double[][] x)
    {
        var y = new double[Tokens.Length * dim];
        Reference.EmbeddingGather(dim, x[0], x[1].Select(v => (int)v).ToArray(), y);
        return y;
    }

    protected override (float[] Output, float[]?[] Gradients) Analytic(Backend backend, float[][] x, float[] dOut) =>
        WithTensors(backend, s =>
        {
            using var emb = new Layers.Embedding(backend, vocab, dim);
            emb.Weight.Value.CopyFrom(x[0]);
            using var ids = backend.Ids(x[1].Select(v => (int)v).ToArray());
            var y = s.Zeros(ids.Length, dim);
            emb.Forward(ids, y);
            emb.Backward(s.Of(dOut, ids.Length, dim));
            return (y.ToArray(), new float[]?[] { emb.Weight.Grad.ToArray(), null });
        });
}
