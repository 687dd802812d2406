using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

/// <summary>
/// Masked softmax cross-entropy over a vocabulary (seed 004's loss): logits [N, V], targets [N]; rows whose target is
/// paddingId are ignored. Returns the mean of -log softmax(logits[n])[target[n]] over the C counted rows (0 when C = 0),
/// accuracy = fraction of counted rows whose argmax (first maximum) equals the target. dLogits (when given) is
/// overwritten with the gradient of the mean: (softmax - onehot) / C on counted rows, 0 on padding rows.
/// </summary>
public abstract partial class Backend
{
    public float SoftmaxCrossEntropy(Tensor logits, TokenIds targets, int paddingId, Tensor? dLogits, out float accuracy)
    {
        const string op = "cross-entropy";
        RequireOn(op, logits, "logits");
        if (targets.Device != this) throw new ArgumentException($"{op}: targets live on '{targets.Device.Name}', the op runs on '{Name}'");
        int n = logits.Rows, v = logits.Cols;
        if (targets.Length != n || v == 0)
            throw new ArgumentException($"{op}: logits {logits.ShapeString} need one target per row, got {targets.Length} targets");
        if (dLogits is not null) Require(op, dLogits, "dLogits", n * v, $"[{n}, {v}]");
        int count = 0;
        foreach (int t in targets.Values)
        {
            if (t == paddingId) continue;
            if ((uint)t >= (uint)v) throw new ArgumentException($"{op}: target {t} outside the vocabulary [0, {v}) of logits {logits.ShapeString}");
            count++;
        }
        if (n == 0 || count == 0)
        {
            if (dLogits is not null && n > 0) Fill(dLogits, 0f);
            accuracy = 0;
            return 0;
        }
        var (lossSum, correct) = SoftmaxCrossEntropyCore(n, v, logits, targets, paddingId, dLogits, 1f / count);
        accuracy = (float)(correct / count);
        return (float)(lossSum / count);
    }

    /// <summary>Returns the summed loss and the number of correct rows over non-padding rows; writes dLogits scaled by gradScale.</summary>
    protected abstract (double LossSum, double Correct) SoftmaxCrossEntropyCore(int n, int v, Tensor logits, TokenIds targets,
        int paddingId, Tensor? dLogits, float gradScale);
}
