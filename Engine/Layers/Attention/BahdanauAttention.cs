using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine.Layers;

/// <summary>
/// Bahdanau (additive) attention as in seed 004 and the peer torch_seq_ae.py (gru-attn): for encoder states h_j
/// [T, B, H] and a decoder query s [B, Q],
///   e_j = v^T tanh(W1 h_j + b1 + W2 s),  a = softmax_j(e) over the unmasked steps,  context = sum_j a_j h_j.
/// Parameters: w_key = W1 [A, H] with bias b_key [A] (the peer's W_h), w_query = W2 [A, Q] without bias (W_s), v [A].
/// The keys W1 h_j + b1 are computed once per encoder sequence (<see cref="SetEncoder"/>); each decoder step calls
/// <see cref="Forward"/> with its query. Backward runs per step (any order, usually reverse), accumulating the key and
/// value gradients; <see cref="BackwardEncoder"/> then folds them into W1, b1 and the encoder-state gradient.
/// </summary>
public sealed class BahdanauAttention : IDisposable
{
    private readonly Backend device;
    private readonly Parameter wKey, bKey, wQuery, v;
    private Buffers? buf;

    public int ValueSize { get; }
    public int QuerySize { get; }
    public int Units { get; }
    public IReadOnlyList<Parameter> Parameters { get; }

    public BahdanauAttention(Backend device, int valueSize, int querySize, int units, ulong seed = 0)
    {
        if (valueSize <= 0 || querySize <= 0 || units <= 0)
            throw new ArgumentException($"attention: valueSize {valueSize}, querySize {querySize}, units {units} must be positive");
        this.device = device;
        ValueSize = valueSize; QuerySize = querySize; Units = units;
        wKey = new Parameter(device, "w_key", units, valueSize);
        bKey = new Parameter(device, "b_key", units);
        wQuery = new Parameter(device, "w_query", units, querySize);
        v = new Parameter(device, "v", units);
        Parameters = [wKey, bKey, wQuery, v];
        // As torch.nn.Linear: uniform(+-1/sqrt(fan_in)).
        wKey.InitUniform(1 / Math.Sqrt(valueSize), seed, 0);
        bKey.InitUniform(1 / Math.Sqrt(valueSize), seed, 1);
        wQuery.InitUniform(1 / Math.Sqrt(querySize), seed, 2);
        v.InitUniform(1 / Math.Sqrt(units), seed, 3);
    }

    /// <summary>
    /// Starts a sequence: saves the encoder states [T, B, H] and the optional mask [T, B] (1 = attend, 0 = padding),
    /// computes the keys once, and prepares storage for up to maxSteps decoder steps. Clears pending gradients.
    /// </summary>
    public void SetEncoder(Tensor encoder, Tensor? mask, int maxSteps)
    {
        if (encoder.Rank != 3 || encoder.Dim(0) == 0 || encoder.Dim(1) == 0 || encoder.Dim(2) != ValueSize)
            throw new ArgumentException($"attention: encoder states have shape {encoder.ShapeString}, expected [T > 0, B > 0, {ValueSize}]");
        int t = encoder.Dim(0), b = encoder.Dim(1);
        if (mask is not null && !mask.Shape.SequenceEqual([t, b]))
            throw new ArgumentException($"attention: mask has shape {mask.ShapeString}, expected [{t}, {b}] for encoder states {encoder.ShapeString}");
        if (maxSteps <= 0) throw new ArgumentException($"attention: maxSteps {maxSteps} must be positive");
        if (buf is null || buf.T != t || buf.B != b || buf.S < maxSteps)
        {
            buf?.Dispose();
            buf = new Buffers(device, t, b, maxSteps, ValueSize, QuerySize, Units);
        }
        var s = buf;
        device.Copy(encoder, s.Encoder);
        s.HasMask = mask is not null;
        if (mask is not null) device.Copy(mask, s.Mask);
        device.Gemm(false, true, 1f, s.Encoder, wKey.Value, 0f, s.Keys);
        device.AddBias(s.Keys, bKey.Value, s.Keys);
        device.Fill(s.DKeys, 0f);
        device.Fill(s.DValues, 0f);
    }

    /// <summary>
    /// Decoder step `step`: query [B, Q] -> context [B, H]; weights [T, B] receives the attention weights if given. Not
    /// training: nothing is saved for Backward (the step's tanh [T, B, A] is not written).
    /// </summary>
    public void Forward(int step, Tensor query, Tensor context, Tensor? weights = null, bool training = true)
    {
        var s = Ready(step);
        Check("query", query, [s.B, QuerySize]);
        Check("context", context, [s.B, ValueSize]);
        if (weights is not null) Check("weights", weights, [s.T, s.B]);
        if (training) device.Copy(query, s.QueryAt[step]);
        device.Gemm(false, true, 1f, query, wQuery.Value, 0f, s.QAt[step]);
        device.AdditiveAttentionForward(s.Keys, s.QAt[step], v.Value, s.HasMask ? s.Mask : null, s.Encoder, training ? s.TanhAt[step] : null,
            s.AlphaAt[step], context);
        if (weights is not null) device.Copy(s.AlphaAt[step], weights);
    }

    /// <summary>
    /// Backward of decoder step `step`: dContext [B, H] -> dQuery [B, Q] (overwritten; skipped when null). Accumulates
    /// into w_query and v gradients now, and into the pending key/value gradients for <see cref="BackwardEncoder"/>.
    /// </summary>
    public void Backward(int step, Tensor dContext, Tensor? dQuery)
    {
        var s = Ready(step);
        Check("dContext", dContext, [s.B, ValueSize]);
        if (dQuery is not null) Check("dQuery", dQuery, [s.B, QuerySize]);
        device.AdditiveAttentionBackward(s.Encoder, s.AlphaAt[step], s.TanhAt[step], v.Value, dContext, s.DScores, s.Dq, s.DKeys, s.DValues);
        // dv = sum over (t, b) of dScores * tanh: a [1, T*B] x [T*B, A] GEMM.
        device.Gemm(false, false, 1f, s.DScoresRow, s.TanhAt[step], 1f, v.Grad);
        device.Gemm(true, false, 1f, s.Dq, s.QueryAt[step], 1f, wQuery.Grad);
        if (dQuery is not null) device.Gemm(false, false, 1f, s.Dq, wQuery.Value, 0f, dQuery);
    }

    /// <summary>After all steps' Backward: dEncoder [T, B, H] (overwritten; skipped when null), w_key and b_key gradients accumulated.</summary>
    public void BackwardEncoder(Tensor? dEncoder)
    {
        var s = buf ?? throw new InvalidOperationException("attention: BackwardEncoder before SetEncoder");
        if (dEncoder is not null) Check("dEncoder", dEncoder, [s.T, s.B, ValueSize]);
        device.Gemm(true, false, 1f, s.DKeys, s.Encoder, 1f, wKey.Grad);
        device.ColumnSum(s.DKeys, bKey.Grad, accumulate: true);
        if (dEncoder is not null)
        {
            device.Copy(s.DValues, dEncoder);
            device.Gemm(false, false, 1f, s.DKeys, wKey.Value, 1f, dEncoder);
        }
        device.Fill(s.DKeys, 0f);
        device.Fill(s.DValues, 0f);
    }

    private Buffers Ready(int step)
    {
        var s = buf ?? throw new InvalidOperationException("attention: Forward/Backward before SetEncoder");
        if (step < 0 || step >= s.S) throw new ArgumentOutOfRangeException(nameof(step), $"attention: step {step} outside [0, {s.S}) set by SetEncoder");
        return s;
    }

    // A span, so the per-step shape checks build their expected shapes on the stack.
    private void Check(string what, Tensor tensor, ReadOnlySpan<int> expected)
    {
        if (!tensor.Shape.SequenceEqual(expected))
            throw new ArgumentException($"attention: {what} has shape {tensor.ShapeString}, expected [{string.Join(", ", expected.ToArray())}]");
        if (tensor.Device != device)
            throw new ArgumentException($"attention: {what} lives on '{tensor.Device.Name}', the layer on '{device.Name}'");
    }

    public void Dispose()
    {
        buf?.Dispose();
        foreach (var p in Parameters) p.Dispose();
    }

    private sealed class Buffers : IDisposable
    {
        public readonly int T, B, S;
        public bool HasMask;
        public readonly Tensor Encoder, Mask, Keys, Query, Q, Tanh, Alpha, DScores, DScoresRow, Dq, DKeys, DValues;
        public readonly Tensor[] QueryAt, QAt, TanhAt, AlphaAt;
        private readonly List<Tensor> owned = new();

        public Buffers(Backend d, int t, int b, int steps, int h, int q, int a)
        {
            T = t; B = b; S = steps;
            Encoder = Own(d.Zeros(t, b, h));
            Mask = Own(d.Zeros(t, b));
            Keys = Own(d.Zeros(t, b, a));
            Query = Own(d.Zeros(steps, b, q));
            Q = Own(d.Zeros(steps, b, a));
            Tanh = Own(d.Zeros(steps, t, b, a));
            Alpha = Own(d.Zeros(steps, t, b));
            DScores = Own(d.Zeros(t, b));
            DScoresRow = DScores.Reshape(1, t * b);
            Dq = Own(d.Zeros(b, a));
            DKeys = Own(d.Zeros(t, b, a));
            DValues = Own(d.Zeros(t, b, h));
            QueryAt = Steps(Query); QAt = Steps(Q); TanhAt = Steps(Tanh); AlphaAt = Steps(Alpha);
        }

        private static Tensor[] Steps(Tensor seq) => Enumerable.Range(0, seq.Dim(0)).Select(seq.At).ToArray();

        private Tensor Own(Tensor t) { owned.Add(t); return t; }

        public void Dispose() { foreach (var t in owned) t.Dispose(); }
    }
}
