using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

/// <summary>
/// The pointwise and reduction part of one Bahdanau (additive) attention step; the projections around it are GEMMs in
/// the layer (Layers/Attention). With keys k = W1 h_j + b1 [T, B, A] and the projected query q = W2 s [B, A]:
///   e[t,b] = sum_a v[a] tanh(k[t,b,a] + q[b,a]),  alpha[., b] = softmax over the unmasked steps t,
///   context[b, :] = sum_t alpha[t,b] values[t, b, :].
/// mask [T, B] (null = all steps) excludes steps where it is 0; a row with no unmasked step gets alpha = 0, context = 0.
/// </summary>
public abstract partial class Backend
{
    /// <summary>
    /// Forward of one step. tanh [T, B, A] receives tanh(k + q) for the backward; null (inference) skips that store, which
    /// is T x B x A floats per step.
    /// </summary>
    public void AdditiveAttentionForward(Tensor keys, Tensor query, Tensor v, Tensor? mask, Tensor values, Tensor? tanh,
        Tensor weights, Tensor context)
    {
        const string op = "additive-attention forward";
        var (t, b, a, h) = CheckAttention(op, keys, values, tanh, weights, v);
        Require(op, query, "query", b * a, $"[{b}, {a}]");
        if (mask is not null) Require(op, mask, "mask", t * b, $"[{t}, {b}]");
        Require(op, context, "context", b * h, $"[{b}, {h}]");
        AdditiveAttentionForwardCore(t, b, a, h, keys, query, v, mask, values, tanh, weights, context);
    }

    /// <summary>
    /// Backward of one step. Writes dScores [T, B] (gradient of e) and dQuery [B, A] (of q); ACCUMULATES dKeys [T, B, A]
    /// (+= gradient of k, summed over the decoder steps until the layer folds it into W1, b1 and the encoder states) and
    /// dValues [T, B, H] (+= alpha * dContext).
    /// </summary>
    public void AdditiveAttentionBackward(Tensor values, Tensor weights, Tensor tanh, Tensor v, Tensor dContext,
        Tensor dScores, Tensor dQuery, Tensor dKeys, Tensor dValues)
    {
        const string op = "additive-attention backward";
        var (t, b, a, h) = CheckAttention(op, tanh, values, tanh, weights, v);
        Require(op, dContext, "dContext", b * h, $"[{b}, {h}]");
        Require(op, dScores, "dScores", t * b, $"[{t}, {b}]");
        Require(op, dQuery, "dQuery", b * a, $"[{b}, {a}]");
        Require(op, dKeys, "dKeys", t * b * a, $"[{t}, {b}, {a}]");
        Require(op, dValues, "dValues", t * b * h, $"[{t}, {b}, {h}]");
        AdditiveAttentionBackwardCore(t, b, a, h, values, weights, tanh, v, dContext, dScores, dQuery, dKeys, dValues);
    }

    private (int T, int B, int A, int H) CheckAttention(string op, Tensor keys, Tensor values, Tensor? tanh, Tensor weights, Tensor v)
    {
        if (keys.Rank != 3 || values.Rank != 3 || keys.Dim(0) != values.Dim(0) || keys.Dim(1) != values.Dim(1) || keys.Length == 0)
            throw new ArgumentException($"{op}: keys {keys.ShapeString} and values {values.ShapeString} must be [T > 0, B, A] and [T, B, H]");
        int t = keys.Dim(0), b = keys.Dim(1), a = keys.Dim(2), h = values.Dim(2);
        Require(op, keys, "keys", t * b * a, $"[{t}, {b}, {a}]");
        Require(op, values, "values", t * b * h, $"[{t}, {b}, {h}]");
        if (tanh is not null) Require(op, tanh, "tanh", t * b * a, $"[{t}, {b}, {a}]");
        Require(op, weights, "weights", t * b, $"[{t}, {b}]");
        Require(op, v, "v", a, $"[{a}]");
        return (t, b, a, h);
    }

    protected abstract void AdditiveAttentionForwardCore(int t, int b, int a, int h, Tensor keys, Tensor query, Tensor v,
        Tensor? mask, Tensor values, Tensor? tanh, Tensor weights, Tensor context);

    protected abstract void AdditiveAttentionBackwardCore(int t, int b, int a, int h, Tensor values, Tensor weights, Tensor tanh,
        Tensor v, Tensor dContext, Tensor dScores, Tensor dQuery, Tensor dKeys, Tensor dValues);
}
