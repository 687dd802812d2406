using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine.Layers;

/// <summary>
/// Multi-layer GRU over time-major sequences, PyTorch formulation (= Keras GRU with reset_after=True): the reset gate
/// multiplies the recurrent candidate term including its bias,
///   r = sigmoid(W_ir x + b_ir + W_hr h + b_hr), z = sigmoid(W_iz x + b_iz + W_hz h + b_hz),
///   n = tanh(W_in x + b_in + r * (W_hn h + b_hn)), h' = (1 - z) * n + z * h.
/// Parameters per layer l, as PyTorch's nn.GRU: weight_ih_l{l} [3H, F_l], weight_hh_l{l} [3H, H], bias_ih_l{l} [3H],
/// bias_hh_l{l} [3H], gate blocks in order r, z, n, initialised uniform(+-1/sqrt(H)) from one seed.
/// Forward and backward are one <see cref="Backend.GruSequenceForward"/> / <see cref="Backend.GruSequenceBackward"/> per
/// layer (the recurrence, the input projection and the weight gradients of all T steps, each backend its own way). With
/// dropout > 0 and training, each layer's output is dropped out (inverted dropout, as nn.GRU's dropout) before it enters
/// the next layer. Buffers are allocated on first use for a (T, B) and reused. A GRU has no cell state: the c arguments
/// of <see cref="IRecurrent"/> are ignored.
/// </summary>
public sealed class Gru : IRecurrent
{
    private readonly Backend device;
    private readonly Parameter[] wih, whh, bih, bhh;
    private readonly List<Parameter> parameters = new();
    private readonly RecurrentLayer[] weights, grads; // per layer, what the sequence ops read and accumulate into
    private readonly ulong seed;
    private Buffers? buf;
    private StepBuffers? step;
    private bool forwardDone;
    // Dropout masks are CounterRng draws at (seed, dropoutOffset + i); the offset advances by every mask drawn.
    private ulong dropoutOffset;

    public int InputSize { get; }
    public int HiddenSize { get; }
    public int NumLayers { get; }
    public float Dropout { get; }
    public IReadOnlyList<Parameter> Parameters => parameters;
    public bool HasCellState => false;
    public RecurrentStack? Stack { get; }

    public Gru(Backend device, int inputSize, int hiddenSize, int numLayers = 1, float dropout = 0f, ulong seed = 0)
    {
        if (inputSize <= 0 || hiddenSize <= 0 || numLayers <= 0)
            throw new ArgumentException($"gru: inputSize {inputSize}, hiddenSize {hiddenSize}, numLayers {numLayers} must be positive");
        if (dropout < 0f || dropout >= 1f)
            throw new ArgumentException($"gru: dropout {dropout} outside [0, 1)");
        this.device = device;
        this.seed = seed;
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        NumLayers = numLayers;
        Dropout = dropout;
        int h = hiddenSize, g = 3 * hiddenSize;
        wih = new Parameter[numLayers]; whh = new Parameter[numLayers]; bih = new Parameter[numLayers]; bhh = new Parameter[numLayers];
        double bound = 1.0 / Math.Sqrt(h);
        for (int l = 0; l < numLayers; l++)
        {
            wih[l] = new Parameter(device, $"weight_ih_l{l}", g, l == 0 ? inputSize : h);
            whh[l] = new Parameter(device, $"weight_hh_l{l}", g, h);
            bih[l] = new Parameter(device, $"bias_ih_l{l}", g);
            bhh[l] = new Parameter(device, $"bias_hh_l{l}", g);
            parameters.AddRange([wih[l], whh[l], bih[l], bhh[l]]);
        }
        for (int p = 0; p < parameters.Count; p++) parameters[p].InitUniform(bound, seed, (ulong)p);
        weights = new RecurrentLayer[numLayers];
        grads = new RecurrentLayer[numLayers];
        for (int l = 0; l < numLayers; l++)
        {
            weights[l] = new RecurrentLayer(wih[l].Value, whh[l].Value, bih[l].Value, bhh[l].Value);
            grads[l] = new RecurrentLayer(wih[l].Grad, whh[l].Grad, bih[l].Grad, bhh[l].Grad);
        }
        Stack = new RecurrentStack(true, inputSize, hiddenSize, weights);
    }

    /// <summary>The <see cref="IRecurrent"/> forward: c0 and cN are ignored (no cell state).</summary>
    public void Forward(Tensor x, Tensor? h0, Tensor? c0, Tensor y, Tensor? hN, Tensor? cN, bool training) => Forward(x, h0, y, hN, training);

    /// <summary>The <see cref="IRecurrent"/> backward: dcN and dc0 are ignored (no cell state).</summary>
    public void Backward(Tensor dy, Tensor? dhN, Tensor? dcN, Tensor? dx, Tensor? dh0, Tensor? dc0) => Backward(dy, dhN, dx, dh0);

    /// <summary>The <see cref="IRecurrent"/> step: c is ignored (no cell state).</summary>
    public void Step(Tensor x, Tensor h, Tensor? c, Tensor y) => Step(x, h, y);

    /// <summary>
    /// x [T, B, F] -> y [T, B, H]. h0 [L, B, H] (zeros when null); hN [L, B, H] receives each layer's last state.
    /// training enables dropout between layers.
    /// </summary>
    public void Forward(Tensor x, Tensor? h0, Tensor y, Tensor? hN, bool training)
    {
        if (x.Rank != 3 || x.Dim(0) == 0 || x.Dim(1) == 0 || x.Dim(2) != InputSize)
            throw new ArgumentException($"gru: x has shape {x.ShapeString}, expected [T > 0, B > 0, {InputSize}]");
        int t = x.Dim(0), b = x.Dim(1), h = HiddenSize, L = NumLayers;
        RequireShape("y", y, [t, b, h]);
        if (h0 is not null) RequireShape("h0", h0, [L, b, h]);
        if (hN is not null) RequireShape("hN", hN, [L, b, h]);
        var s = Prepare(t, b);
        s.Dropped = training && Dropout > 0f && L > 1;

        device.Copy(x, s.X);
        for (int l = 0; l < L; l++)
        {
            if (l > 0 && s.Dropped)
            {
                device.Dropout(s.Out[l - 1], s.In[l], s.Mask[l], Dropout, seed, dropoutOffset);
                dropoutOffset += (ulong)s.In[l].Length;
            }
            Tensor input = Input(s, l);
            if (h0 is null) device.Fill(s.HsAt[l][0], 0f);
            else device.Copy(h0.At(l), s.HsAt[l][0]);
            device.GruSequenceForward(t, input, weights[l], s.Gates[l], s.Hs[l]);
            if (hN is not null) device.Copy(s.HsAt[l][t], hN.At(l));
        }
        device.Copy(s.Out[L - 1], y);
        forwardDone = true;

        void RequireShape(string what, Tensor tensor, int[] expected)
        {
            if (!tensor.Shape.SequenceEqual(expected))
                throw new ArgumentException($"gru: {what} has shape {tensor.ShapeString}, expected [{string.Join(", ", expected)}] for x {x.ShapeString}");
            if (tensor.Device != device)
                throw new ArgumentException($"gru: {what} lives on '{tensor.Device.Name}', the layer on '{device.Name}'");
        }
    }

    /// <summary>
    /// dy [T, B, H] and dhN [L, B, H] (null = zero) -> dx [T, B, F], dh0 [L, B, H] (overwritten, skipped when null);
    /// parameter gradients are accumulated. Uses the activations saved by the last Forward.
    /// </summary>
    public void Backward(Tensor dy, Tensor? dhN, Tensor? dx, Tensor? dh0)
    {
        if (!forwardDone || buf is null) throw new InvalidOperationException("gru: Backward before Forward");
        var s = buf;
        int t = s.T, b = s.B, h = HiddenSize, L = NumLayers;
        Check("dy", dy, [t, b, h]);
        if (dhN is not null) Check("dhN", dhN, [L, b, h]);
        if (dx is not null) Check("dx", dx, [t, b, InputSize]);
        if (dh0 is not null) Check("dh0", dh0, [L, b, h]);

        device.Copy(dy, s.DY[L - 1]);
        for (int l = L - 1; l >= 0; l--)
        {
            Tensor input = Input(s, l);
            // The gradient of this layer's input: dy of the layer below, or dx.
            Tensor? dInput = l > 0 ? s.DY[l - 1] : dx;
            device.GruSequenceBackward(t, input, weights[l], s.Gates[l], s.Hs[l], s.DY[l], dhN?.At(l), s.Gx[l], s.Dgh[l], dInput,
                dh0?.At(l), grads[l]);
            if (l > 0 && s.Dropped) device.DropoutBackward(s.DY[l - 1], s.Mask[l], s.DY[l - 1]);
        }
        // The forward's gx buffers now hold gradients: a second Backward without a new Forward would be wrong.
        forwardDone = false;

        void Check(string what, Tensor tensor, int[] expected)
        {
            if (!tensor.Shape.SequenceEqual(expected))
                throw new ArgumentException($"gru: {what} has shape {tensor.ShapeString}, expected [{string.Join(", ", expected)}] (last forward T = {t}, B = {b})");
        }
    }

    /// <summary>Single-step inference: x [B, F], h [L, B, H] (read and updated in place), y [B, H] = the top layer's new state.</summary>
    public void Step(Tensor x, Tensor h, Tensor y)
    {
        if (x.Rank != 2 || x.Dim(0) == 0 || x.Dim(1) != InputSize)
            throw new ArgumentException($"gru step: x has shape {x.ShapeString}, expected [B > 0, {InputSize}]");
        int b = x.Dim(0), hs = HiddenSize, L = NumLayers;
        if (!h.Shape.SequenceEqual([L, b, hs]))
            throw new ArgumentException($"gru step: h has shape {h.ShapeString}, expected [{L}, {b}, {hs}] for x {x.ShapeString}");
        if (!y.Shape.SequenceEqual([b, hs]))
            throw new ArgumentException($"gru step: y has shape {y.ShapeString}, expected [{b}, {hs}] for x {x.ShapeString}");
        if (step is null || step.B != b) { step?.Dispose(); step = new StepBuffers(device, b, hs); }
        if (!ReferenceEquals(step.HSource, h))
        {
            step.HSource = h;
            step.HAt = Enumerable.Range(0, L).Select(h.At).ToArray();
        }
        // A one-step sequence: the same arithmetic as Forward, so a step from the same state gives the same outputs.
        for (int l = 0; l < L; l++)
        {
            device.Copy(step.HAt![l], step.HPair[0]);
            device.GruSequenceForward(1, l == 0 ? x : step.HAt[l - 1], weights[l], step.Gates, step.HPairAll);
            device.Copy(step.HPair[1], step.HAt[l]);
        }
        device.Copy(step.HAt![L - 1], y);
    }

    // Layer l > 0 reads the previous layer's output, or its dropped-out copy when dropout ran in this forward.
    private static Tensor Input(Buffers s, int l) => l == 0 ? s.X : s.Dropped ? s.In[l] : s.Out[l - 1];

    private Buffers Prepare(int t, int b)
    {
        if (buf is not null && buf.T == t && buf.B == b) return buf;
        buf?.Dispose();
        buf = new Buffers(device, t, b, InputSize, HiddenSize, NumLayers);
        return buf;
    }

    public void Dispose()
    {
        buf?.Dispose();
        step?.Dispose();
        foreach (var p in parameters) p.Dispose();
    }

    /// <summary>Saved activations and gradient buffers for one (T, B); every time-step view is made here, once.</summary>
    private sealed class Buffers : IDisposable
    {
        public readonly int T, B;
        public readonly Tensor X;
        public readonly Tensor[] Gx, Hs, Gates, Dgh, DY, Out, In, Mask;  // Gx [T, B, 3H] receives dgx in the backward
        public bool Dropped;
        public readonly Tensor[][] HsAt;
        private readonly List<Tensor> owned = new();

        public Buffers(Backend d, int t, int b, int f, int h, int layers)
        {
            T = t; B = b;
            X = Own(d.Zeros(t, b, f));
            Gx = new Tensor[layers]; Hs = new Tensor[layers]; Gates = new Tensor[layers]; Dgh = new Tensor[layers];
            DY = new Tensor[layers]; Out = new Tensor[layers];
            // In[l] and Mask[l] (l > 0): layer l's dropped-out input; index 0 unused (the layer input x is not dropped).
            In = new Tensor[layers]; Mask = new Tensor[layers];
            HsAt = new Tensor[layers][];
            for (int l = 0; l < layers; l++)
            {
                Gx[l] = Own(d.Zeros(t, b, 3 * h));
                Hs[l] = Own(d.Zeros(t + 1, b, h));
                Gates[l] = Own(d.Zeros(t, b, 4 * h));
                Dgh[l] = Own(d.Zeros(t, b, 3 * h));
                DY[l] = Own(d.Zeros(t, b, h));
                Out[l] = Hs[l].Slice(b * h, t, b, h);
                In[l] = l > 0 ? Own(d.Zeros(t, b, h)) : X;
                Mask[l] = l > 0 ? Own(d.Zeros(t, b, h)) : X;
                HsAt[l] = Enumerable.Range(0, t + 1).Select(Hs[l].At).ToArray();
            }
        }

        private Tensor Own(Tensor t) { owned.Add(t); return t; }

        public void Dispose() { foreach (var t in owned) t.Dispose(); }
    }

    /// <summary>Step scratch: gates [B, 4H] and the state pair [2, B, H] (in, out) of a one-step sequence.</summary>
    private sealed class StepBuffers(Backend d, int b, int h) : IDisposable
    {
        public readonly int B = b;
        public readonly Tensor Gates = d.Zeros(b, 4 * h), HPairAll = d.Zeros(2, b, h);
        public Tensor[] HPair => pair ??= [HPairAll.At(0), HPairAll.At(1)];
        private Tensor[]? pair;
        public Tensor? HSource;
        public Tensor[]? HAt;

        public void Dispose() { Gates.Dispose(); HPairAll.Dispose(); }
    }
}
