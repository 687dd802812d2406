using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine.Layers;

/// <summary>
/// Token embedding (seed 004: Embedding(97, 64)): ids [N] -> y [N, D] with y[n] = weight[ids[n]]. As torch.nn.Embedding
/// with padding_idx: the padding row starts at zero and receives no gradient. Other rows start uniform(+-sqrt(3))
/// (unit variance, like torch's N(0, 1)) from one seed. For a [T, B] id batch, pass the T*B ids and a [T, B, D] output.
/// </summary>
public sealed class Embedding : IDisposable
{
    private readonly Backend device;
    private readonly Parameter weight;
    private TokenIds? saved;

    public int Vocabulary { get; }
    public int Dimension { get; }
    public int? PaddingId { get; }
    public Parameter Weight => weight;
    public IReadOnlyList<Parameter> Parameters { get; }

    public Embedding(Backend device, int vocabulary, int dimension, int? paddingId = null, ulong seed = 0)
    {
        if (vocabulary <= 0 || dimension <= 0)
            throw new ArgumentException($"embedding: vocabulary {vocabulary} and dimension {dimension} must be positive");
        if (paddingId is { } p && (p < 0 || p >= vocabulary))
            throw new ArgumentException($"embedding: padding id {p} outside the vocabulary [0, {vocabulary})");
        this.device = device;
        Vocabulary = vocabulary;
        Dimension = dimension;
        PaddingId = paddingId;
        weight = new Parameter(device, "weight", vocabulary, dimension);
        var init = new float[vocabulary * dimension];
        for (int i = 0; i < init.Length; i++)
            init[i] = i / dimension == paddingId ? 0f : (float)Rng.CounterRng.Uniform(seed, (ulong)i, -Math.Sqrt(3), Math.Sqrt(3));
        weight.Value.CopyFrom(init);
        Parameters = [weight];
    }

    public void Forward(TokenIds ids, Tensor y)
    {
        if (ids.Length == 0) throw new ArgumentException("embedding: no ids");
        if (y.Length != ids.Length * Dimension || y.Cols != Dimension)
            throw new ArgumentException($"embedding: y has shape {y.ShapeString}, expected [{ids.Length}, {Dimension}] for {ids.Length} ids");
        device.EmbeddingGather(weight.Value, ids, y);
        if (saved is null || saved.Length != ids.Length)
        {
            saved?.Dispose();
            saved = device.Ids(ids.Length);
        }
        saved.CopyFrom(ids);
    }

    /// <summary>dy [N, D]: rows accumulate into the weight gradient (repeated ids add up; the padding row gets nothing).</summary>
    public void Backward(Tensor dy)
    {
        var ids = saved ?? throw new InvalidOperationException("embedding: Backward before Forward");
        if (dy.Length != ids.Length * Dimension || dy.Cols != Dimension)
            throw new ArgumentException($"embedding: dy has shape {dy.ShapeString}, expected [{ids.Length}, {Dimension}]");
        device.EmbeddingBackward(ids, dy, weight.Grad, PaddingId ?? -1);
    }

    public void Dispose()
    {
        saved?.Dispose();
        weight.Dispose();
    }
}
