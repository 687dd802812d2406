using RnnEngine.Engine;
using RnnEngine.Engine.Layers;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Models.Architectures;

/// <summary>How the decoder GRU's state passes from one decoding step to the next.</summary>
public enum DecoderState
{
    /// <summary>Standard: step i's GRU starts from step i-1's state (first step: the encoder's final state).</summary>
    Carry,
    /// <summary>Seed 004 (the TF "NMT with attention" tutorial): the decoder GRU is called without an initial state, so
    /// every step starts from zeros; the previous state only serves as the attention query.</summary>
    Reset,
}

/// <summary>
/// Seed 004's token sequence-to-sequence model (DReAM-like): encoder Embedding(V, E) -> GRU(H) over the Tx source
/// tokens; Bahdanau attention (units = H) queried by the previous decoder state (first query: the encoder's final
/// state); decoder step i: GRU cell over [Embedding_dec(token i); context i] -> state s_{i+1} -> Linear(H, V) logits.
/// Token 0 is padding (its embedding rows are zero and get no gradient). Sequences are time-major id arrays:
/// source [Tx * B], decoder input [Ty * B] (teacher forcing: &lt;start&gt; then the true previous targets).
/// <see cref="Forward"/> returns the logits [Ty, B, V] and keeps every step's activations for <see cref="Backward"/>;
/// <see cref="Greedy"/> decodes by feeding back the argmax. Buffers are allocated on first use for a (Tx, Ty, B).
/// </summary>
public sealed class GruAttentionSeq2Seq : IDisposable
{
    /// <summary>The model's name in the CLI and its checkpoints.</summary>
    public const string Name = "gru-attention-seq2seq";

    private readonly Backend device;
    private readonly Embedding encEmbedding, decEmbedding;
    private readonly Gru encoder;
    private readonly BahdanauAttention attention;
    private readonly Parameter wih, whh, bih, bhh;
    private readonly Linear output;
    private readonly List<Parameter> parameters = new();
    private Buffers? buf;

    public Backend Device => device;
    public int Vocabulary { get; }
    public int EmbeddingSize { get; }
    public int HiddenSize { get; }
    public DecoderState State { get; }
    public IReadOnlyList<Parameter> Parameters => parameters;

    /// <summary>Unique names of <see cref="Parameters"/> (same order), as checkpoints store them: the two embeddings
    /// share their layer's parameter name, so each name is prefixed by its position.</summary>
    public IReadOnlyList<string> ParameterNames => [.. parameters.Select((p, i) => $"{i:D2}.{p.Name}")];

    public GruAttentionSeq2Seq(Backend device, int vocabulary, int embedding = 64, int hidden = 128,
        DecoderState state = DecoderState.Carry, ulong seed = 0)
    {
        this.device = device;
        Vocabulary = vocabulary; EmbeddingSize = embedding; HiddenSize = hidden; State = state;
        int e = embedding, h = hidden;
        encEmbedding = new Embedding(device, vocabulary, e, paddingId: 0, seed: seed * 16 + 1);
        encoder = new Gru(device, e, h, seed: seed * 16 + 2);
        attention = new BahdanauAttention(device, h, h, h, seed: seed * 16 + 3);
        decEmbedding = new Embedding(device, vocabulary, e, paddingId: 0, seed: seed * 16 + 4);
        // The decoder cell, same layout and init as Gru's layer 0 (PyTorch nn.GRU), stepped by hand because each
        // step's input depends on the previous step's state through the attention query.
        wih = new Parameter(device, "decoder.weight_ih", 3 * h, e + h);
        whh = new Parameter(device, "decoder.weight_hh", 3 * h, h);
        bih = new Parameter(device, "decoder.bias_ih", 3 * h);
        bhh = new Parameter(device, "decoder.bias_hh", 3 * h);
        Parameter[] cell = [wih, whh, bih, bhh];
        for (int p = 0; p < 4; p++) cell[p].InitUniform(1 / Math.Sqrt(h), seed * 16 + 5, (ulong)p);
        output = new Linear(device, h, vocabulary, seed: seed * 16 + 6);
        parameters.AddRange(encEmbedding.Parameters);
        parameters.AddRange(encoder.Parameters);
        parameters.AddRange(attention.Parameters);
        parameters.AddRange(decEmbedding.Parameters);
        parameters.AddRange(cell);
        parameters.AddRange(output.Parameters);
    }

    /// <summary>Teacher-forced forward: source [Tx * B] and decoder input [Ty * B] ids (time-major) -> logits [Ty, B, V].</summary>
    public Tensor Forward(ReadOnlySpan<int> source, ReadOnlySpan<int> decoderInput, int tx, int ty, int b)
    {
        if (source.Length != tx * b || decoderInput.Length != ty * b)
            throw new ArgumentException($"seq2seq: {source.Length} source and {decoderInput.Length} decoder ids for Tx {tx}, Ty {ty}, B {b}");
        var s = Prepare(tx, ty, b);
        s.SrcIds.CopyFrom(source);
        s.DecIds.CopyFrom(decoderInput);
        Encode(s, training: true);
        decEmbedding.Forward(s.DecIds, s.DecEmb);
        for (int i = 0; i < ty; i++) DecoderStep(s, i);
        output.Forward(s.OutRows, s.LogitRows);
        return s.Logits;
    }

    /// <summary>dLogits [Ty, B, V] of the last <see cref="Forward"/> -> parameter gradients (accumulated).</summary>
    public void Backward(Tensor dLogits)
    {
        var s = buf ?? throw new InvalidOperationException("seq2seq: Backward before Forward");
        if (!dLogits.SameShape(s.Logits))
            throw new ArgumentException($"seq2seq: dLogits has shape {dLogits.ShapeString}, expected {s.Logits.ShapeString}");
        output.Backward(dLogits.Reshape(s.Ty * s.B, Vocabulary), s.DOutRows);
        device.Fill(s.DState, 0f);  // dL/ds_{i+1} from later steps
        for (int i = s.Ty - 1; i >= 0; i--)
        {
            // The cell adds dy + dh and leaves in dh the part of dL/dh_prev that bypasses W_hh.
            device.Copy(s.DState, s.Dh);
            device.GruCellBackward(s.DOutAt[i], s.Dh, s.HPrevAt[i], s.GatesAt[i], s.Dgx, s.Dgh);
            device.Gemm(true, false, 1f, s.Dgx, s.XAt[i], 1f, wih.Grad);
            device.Gemm(true, false, 1f, s.Dgh, s.HPrevAt[i], 1f, whh.Grad);
            device.ColumnSum(s.Dgx, bih.Grad, accumulate: true);
            device.ColumnSum(s.Dgh, bhh.Grad, accumulate: true);
            device.Gemm(false, false, 1f, s.Dgx, wih.Value, 0f, s.Dx);
            device.SplitFeatures(s.Dx, s.DDecEmbAt[i], s.DContext);
            // The query of step i is s_i: its gradient, plus the recurrent path when the state is carried.
            attention.Backward(i, s.DContext, s.DState);
            if (State == DecoderState.Carry)
            {
                device.Add(s.DState, s.Dh, s.DState);
                device.Gemm(false, false, 1f, s.Dgh, whh.Value, 1f, s.DState);
            }
        }
        decEmbedding.Backward(s.DDecEmbRows);
        attention.BackwardEncoder(s.DEncOut);
        // s_0 = the encoder's final state: its gradient enters the encoder as dhN.
        encoder.Backward(s.DEncOut, s.DState.Reshape(1, s.B, HiddenSize), s.DEncEmb, null);
        encEmbedding.Backward(s.DEncEmbRows);
    }

    /// <summary>Greedy decoding: source [Tx * B] -> predicted [Ty * B] (time-major), the first input being startId.</summary>
    public void Greedy(ReadOnlySpan<int> source, int tx, int ty, int b, int startId, Span<int> predicted)
    {
        if (source.Length != tx * b || predicted.Length != ty * b)
            throw new ArgumentException($"seq2seq greedy: {source.Length} source ids, {predicted.Length} outputs for Tx {tx}, Ty {ty}, B {b}");
        var s = Prepare(tx, ty, b);
        s.SrcIds.CopyFrom(source);
        Encode(s, training: false);
        var next = s.Next;
        next.AsSpan().Fill(startId);
        for (int i = 0; i < ty; i++)
        {
            s.StepIds.CopyFrom(next);
            decEmbedding.Forward(s.StepIds, s.DecEmbAt[i]);
            DecoderStep(s, i);
            device.Gemm(false, true, 1f, s.OutAt[i], output.Weight.Value, 0f, s.StepLogits);
            if (output.Bias is { } bias) device.AddBias(s.StepLogits, bias.Value, s.StepLogits);
            s.StepLogits.CopyTo(s.HostLogits);
            for (int r = 0; r < b; r++)
            {
                var row = s.HostLogits.AsSpan(r * Vocabulary, Vocabulary);
                int best = 0;
                for (int v = 1; v < row.Length; v++) if (row[v] > row[best]) best = v;
                next[r] = best;
                predicted[i * b + r] = best;
            }
        }
    }

    private void Encode(Buffers s, bool training)
    {
        encEmbedding.Forward(s.SrcIds, s.EncEmb);
        encoder.Forward(s.EncEmb, null, s.EncOut, s.State0, training);
        attention.SetEncoder(s.EncOut, null, s.Ty);
    }

    // Step i: query s_i -> context; x = [emb_i; context]; s_{i+1} = GRU(x, carry ? s_i : 0).
    private void DecoderStep(Buffers s, int i)
    {
        Tensor query = s.StatesAt[i];
        attention.Forward(i, query, s.Context);
        device.ConcatFeatures(s.DecEmbAt[i], s.Context, s.XAt[i]);
        if (State == DecoderState.Carry) device.Copy(query, s.HPrevAt[i]);
        device.Gemm(false, true, 1f, s.XAt[i], wih.Value, 0f, s.Gx);
        device.Gemm(false, true, 1f, s.HPrevAt[i], whh.Value, 0f, s.Gh);
        device.GruCellForward(s.Gx, s.Gh, bih.Value, bhh.Value, s.HPrevAt[i], s.StatesAt[i + 1], s.GatesAt[i]);
    }

    private Buffers Prepare(int tx, int ty, int b)
    {
        if (buf is not null && buf.Tx == tx && buf.Ty == ty && buf.B == b) return buf;
        buf?.Dispose();
        buf = new Buffers(device, tx, ty, b, EmbeddingSize, HiddenSize, Vocabulary);
        return buf;
    }

    public void Dispose()
    {
        buf?.Dispose();
        encEmbedding.Dispose(); decEmbedding.Dispose(); encoder.Dispose(); attention.Dispose(); output.Dispose();
        wih.Dispose(); whh.Dispose(); bih.Dispose(); bhh.Dispose();
    }

    private sealed class Buffers : IDisposable
    {
        public readonly int Tx, Ty, B;
        public readonly TokenIds SrcIds, DecIds, StepIds;
        public readonly Tensor EncEmb, EncOut, DecEmb, States, HPrev, X, Gates, Gx, Gh, Context, Logits, StepLogits;
        public readonly Tensor DEncEmb, DEncOut, DDecEmb, DOut, DState, Dh, Dgx, Dgh, Dx, DContext;
        // State0 = s_0 (the encoder's hN as [1, B, H]); Out = s_1..s_Ty, the decoder outputs.
        public readonly Tensor State0, Out, OutRows, LogitRows, DOutRows, DEncEmbRows, DDecEmbRows;
        public readonly Tensor[] StatesAt, HPrevAt, XAt, GatesAt, DecEmbAt, DDecEmbAt, OutAt, DOutAt;
        public readonly float[] HostLogits;
        public readonly int[] Next;
        private readonly List<Tensor> owned = new();

        public Buffers(Backend d, int tx, int ty, int b, int e, int h, int v)
        {
            Tx = tx; Ty = ty; B = b;
            SrcIds = d.Ids(tx * b); DecIds = d.Ids(ty * b); StepIds = d.Ids(b);
            EncEmb = Own(d.Zeros(tx, b, e)); EncOut = Own(d.Zeros(tx, b, h));
            DecEmb = Own(d.Zeros(ty, b, e));
            States = Own(d.Zeros(ty + 1, b, h));
            // Reset mode keeps HPrev at zero forever; carry mode copies s_i in (the cell may not alias hPrev and h').
            HPrev = Own(d.Zeros(ty, b, h));
            X = Own(d.Zeros(ty, b, e + h));
            Gates = Own(d.Zeros(ty, b, 4 * h));
            Gx = Own(d.Zeros(b, 3 * h)); Gh = Own(d.Zeros(b, 3 * h));
            Context = Own(d.Zeros(b, h));
            Logits = Own(d.Zeros(ty, b, v)); StepLogits = Own(d.Zeros(b, v));
            DEncEmb = Own(d.Zeros(tx, b, e)); DEncOut = Own(d.Zeros(tx, b, h)); DDecEmb = Own(d.Zeros(ty, b, e));
            DOut = Own(d.Zeros(ty, b, h)); DState = Own(d.Zeros(b, h)); Dh = Own(d.Zeros(b, h));
            Dgx = Own(d.Zeros(b, 3 * h)); Dgh = Own(d.Zeros(b, 3 * h)); Dx = Own(d.Zeros(b, e + h)); DContext = Own(d.Zeros(b, h));
            State0 = States.Slice(0, 1, b, h);
            Out = States.Slice(b * h, ty, b, h);
            OutRows = Out.Reshape(ty * b, h); LogitRows = Logits.Reshape(ty * b, v); DOutRows = DOut.Reshape(ty * b, h);
            DEncEmbRows = DEncEmb.Reshape(tx * b, e); DDecEmbRows = DDecEmb.Reshape(ty * b, e);
            StatesAt = Steps(States); HPrevAt = Steps(HPrev); XAt = Steps(X); GatesAt = Steps(Gates);
            DecEmbAt = Steps(DecEmb); DDecEmbAt = Steps(DDecEmb); OutAt = Steps(Out); DOutAt = Steps(DOut);
            HostLogits = new float[b * v];
            Next = new int[b];
        }

        private static Tensor[] Steps(Tensor seq) => Enumerable.Range(0, seq.Dim(0)).Select(seq.At).ToArray();
        private Tensor Own(Tensor t) { owned.Add(t); return t; }

        public void Dispose()
        {
            foreach (var t in owned) t.Dispose();
            SrcIds.Dispose(); DecIds.Dispose(); StepIds.Dispose();
        }
    }
}
