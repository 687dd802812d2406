using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine.Layers;

/// <summary>
/// Multi-layer GRU over time-major sequences, PyTorch formulation (= Keras GRU with reset_after=True): the reset gate
/// multiplies the recurrent candidate term including its bias,
///   r = sigmoid(W_ir x + b_ir + W_hr h + b_hr), z = sigmoid(W_iz x + b_iz + W_hz h + b_hz),
///   n = tanh(W_in x + b_in + r * (W_hn h + b_hn)), h' = (1 - z) * n + z * h.
/// Parameters per layer l, as PyTorch's nn.GRU: weight_ih_l{l} [3H, F_l], weight_hh_l{l} [3H, H], bias_ih_l{l} [3H],
/// bias_hh_l{l} [3H], gate blocks in order r, z, n, initialised uniform(+-1/sqrt(H)) from one seed.
/// Forward: the input projection of all T steps is one GEMM; each step is one GEMM (h W_hh^T) plus one fused pointwise
/// pass. With dropout > 0 and training, each layer's output is dropped out (inverted dropout, as nn.GRU's dropout) before
/// it enters the next layer. Backward: a reverse sweep (one fused pointwise pass + one GEMM per step), then the weight gradients of all steps
/// as one GEMM each. On the cpu both sweeps are one parallel job each (CpuBackend.GruForwardSweep and GruBackwardSweep:
/// batch rows split over the cores for all steps, the input projection fused into each step's GEMM, dx into the backward
/// sweep, dW_ih as x^T dgx). Buffers are allocated on first use for a (T, B) and reused; the time loops allocate nothing.
/// </summary>
public sealed class Gru : IDisposable
{
    private readonly Backend device;
    private readonly Parameter[] wih, whh, bih, bhh;
    private readonly List<Parameter> parameters = new();
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
    }

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
            if (device is CpuBackend cpu)
            {
                // One parallel sweep over the steps: per step [x_t | h_{t-1}] against the packed weights, biases in the cell.
                cpu.GruForwardSweep(t, b, input.Cols, h, input, wih[l].Value, whh[l].Value, bih[l].Value, bhh[l].Value, s.Gates[l], s.Hs[l]);
            }
            else
            {
                device.Gemm(false, true, 1f, input, wih[l].Value, 0f, s.Gx[l]);
                for (int i = 0; i < t; i++)
                {
                    device.Gemm(false, true, 1f, s.HsAt[l][i], whh[l].Value, 0f, s.Gh);
                    device.GruCellForward(s.GxAt[l][i], s.Gh, bih[l].Value, bhh[l].Value, s.HsAt[l][i], s.HsAt[l][i + 1], s.GatesAt[l][i]);
                }
            }
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
            if (dhN is null) device.Fill(s.Dh, 0f);
            else device.Copy(dhN.At(l), s.Dh);
            Tensor input = Input(s, l);
            // The gradient of this layer's input: dy of the layer below, or dx.
            Tensor? dInput = l > 0 ? s.DY[l - 1] : dx;
            // Gx receives dgx: free after the forward elsewhere, never filled by the cpu forward (its sweep fuses x W_ih^T).
            var cpu = device as CpuBackend;
            if (cpu is not null)
                cpu.GruBackwardSweep(t, b, input.Cols, h, s.DY[l], s.Dh, s.Hs[l], s.Gates[l], wih[l].Value, whh[l].Value, s.Gx[l], s.Dgh[l],
                    dInput, needDh0: dh0 is not null);
            else for (int i = t - 1; i >= 0; i--)
            {
                device.GruCellBackward(s.DYAt[l][i], s.Dh, s.HsAt[l][i], s.GatesAt[l][i], s.GxAt[l][i], s.DghAt[l][i]);
                device.Gemm(false, false, 1f, s.DghAt[l][i], whh[l].Value, 1f, s.Dh);
            }
            if (cpu is not null) cpu.GruInputWeightGradient(s.Gx[l], input, wih[l].Grad, s.WihGradT[l]!);
            else device.Gemm(true, false, 1f, s.Gx[l], input, 1f, wih[l].Grad);
            device.Gemm(true, false, 1f, s.Dgh[l], s.HPrev[l], 1f, whh[l].Grad);
            device.ColumnSum(s.Gx[l], bih[l].Grad, accumulate: true);
            device.ColumnSum(s.Dgh[l], bhh[l].Grad, accumulate: true);
            if (cpu is null && dInput is not null) device.Gemm(false, false, 1f, s.Gx[l], wih[l].Value, 0f, dInput);
            if (l > 0 && s.Dropped) device.DropoutBackward(s.DY[l - 1], s.Mask[l], s.DY[l - 1]);
            if (dh0 is not null) device.Copy(s.Dh, dh0.At(l));
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
        for (int l = 0; l < L; l++)
        {
            Tensor input = l == 0 ? x : step.HAt![l - 1];
            device.Gemm(false, true, 1f, input, wih[l].Value, 0f, step.Gx);
            device.Gemm(false, true, 1f, step.HAt![l], whh[l].Value, 0f, step.Gh);
            device.GruCellForward(step.Gx, step.Gh, bih[l].Value, bhh[l].Value, step.HAt[l], step.HNew, step.Gates);
            device.Copy(step.HNew, step.HAt[l]);
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

    /// <summary>Saved activations and gradient scratch for one (T, B); every time-step view is made here, once.</summary>
    private sealed class Buffers : IDisposable
    {
        public readonly int T, B;
        public readonly Tensor X, Gh, Dh;
        public readonly Tensor[] Gx, Hs, Gates, Dgh, DY, Out, HPrev, In, Mask;
        public readonly Tensor?[] WihGradT;    // [F_l, 3H] per layer, the cpu's dW_ih^T scratch (null elsewhere)
        public bool Dropped;
        public readonly Tensor[][] GxAt, HsAt, GatesAt, DghAt, DYAt;
        private readonly List<Tensor> owned = new();

        public Buffers(Backend d, int t, int b, int f, int h, int layers)
        {
            T = t; B = b;
            X = Own(d.Zeros(t, b, f));
            Gh = Own(d.Zeros(b, 3 * h));
            Dh = Own(d.Zeros(b, h));
            Gx = new Tensor[layers]; Hs = new Tensor[layers]; Gates = new Tensor[layers]; Dgh = new Tensor[layers];
            DY = new Tensor[layers]; Out = new Tensor[layers]; HPrev = new Tensor[layers];
            // In[l] and Mask[l] (l > 0): layer l's dropped-out input; index 0 unused (the layer input x is not dropped).
            In = new Tensor[layers]; Mask = new Tensor[layers];
            GxAt = new Tensor[layers][]; HsAt = new Tensor[layers][]; GatesAt = new Tensor[layers][]; DghAt = new Tensor[layers][];
            DYAt = new Tensor[layers][];
            WihGradT = new Tensor?[layers];
            for (int l = 0; l < layers; l++)
            {
                Gx[l] = Own(d.Zeros(t, b, 3 * h));
                Hs[l] = Own(d.Zeros(t + 1, b, h));
                Gates[l] = Own(d.Zeros(t, b, 4 * h));
                Dgh[l] = Own(d.Zeros(t, b, 3 * h));
                DY[l] = Own(d.Zeros(t, b, h));
                Out[l] = Hs[l].Slice(b * h, t, b, h);
                HPrev[l] = Hs[l].Slice(0, t, b, h);
                In[l] = l > 0 ? Own(d.Zeros(t, b, h)) : X;
                if (d is CpuBackend) WihGradT[l] = Own(d.Zeros(l == 0 ? f : h, 3 * h));
                Mask[l] = l > 0 ? Own(d.Zeros(t, b, h)) : X;
                GxAt[l] = Steps(Gx[l]); HsAt[l] = Steps(Hs[l]); GatesAt[l] = Steps(Gates[l]);
                DghAt[l] = Steps(Dgh[l]); DYAt[l] = Steps(DY[l]);
            }
        }

        private static Tensor[] Steps(Tensor seq) => Enumerable.Range(0, seq.Dim(0)).Select(seq.At).ToArray();

        private Tensor Own(Tensor t) { owned.Add(t); return t; }

        public void Dispose() { foreach (var t in owned) t.Dispose(); }
    }

    private sealed class StepBuffers(Backend d, int b, int h) : IDisposable
    {
        public readonly int B = b;
        public readonly Tensor Gx = d.Zeros(b, 3 * h), Gh = d.Zeros(b, 3 * h), Gates = d.Zeros(b, 4 * h), HNew = d.Zeros(b, h);
        public Tensor? HSource;
        public Tensor[]? HAt;

        public void Dispose() { Gx.Dispose(); Gh.Dispose(); Gates.Dispose(); HNew.Dispose(); }
    }
}
