using RnnEngine.Engine.Rng;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine.Layers;

/// <summary>
/// Multi-layer LSTM over time-major sequences with backpropagation through time.
///
/// Layout and formulation (as PyTorch nn.LSTM, plus TF LSTMCell-style peepholes):
///   weight_ih_l{k} [4H, F_k], weight_hh_l{k} [4H, H], bias_ih_l{k} [4H], bias_hh_l{k} [4H] (F_0 = input size, F_k = H);
///   gate order along 4H is i, f, g, o; both biases are added (b_ih + b_hh, so PyTorch weights load unchanged).
///   a_t = x_t W_ih^T + b_ih + b_hh + h_{t-1} W_hh^T
///   i = sigmoid(a_i + w_ci * c_{t-1}), f = sigmoid(a_f + w_cf * c_{t-1}), g = tanh(a_g),
///   c_t = f * c_{t-1} + i * g, o = sigmoid(a_o + w_co * c_t), h_t = o * tanh(c_t).
///   Peepholes (optional) are weight_peephole_l{k} [3, H] with rows w_ci, w_cf, w_co; note the output gate looks at the
///   new cell c_t, the input and forget gates at c_{t-1} (TF LSTMCell use_peepholes).
///   Dropout (training only, as nn.LSTM's dropout) acts on the output of every layer but the last, i.e. on the inputs
///   between layers; inverted dropout, masks from CounterRng at (DropoutSeed(seed), an offset that advances by the
///   masked element count, layer by layer, for every training forward), so a run is reproducible from the seed.
///   Dropout on the model's own input and output (TF DropoutWrapper) belongs to the model, with the Dropout op.
///
/// Work per layer: one <see cref="Backend.LstmSequenceForward"/> and one <see cref="Backend.LstmSequenceBackward"/>
/// (the whole recurrence, the input projection and the weight gradients of all T steps, each backend its own way).
/// Activations are saved in buffers made at the first call for a (T, B) and reused.
/// </summary>
public sealed partial class Lstm : IRecurrent
{
    private readonly Backend device;
    private readonly Parameter[] wih, whh, bih, bhh;
    private readonly Parameter?[] peep;
    private readonly RecurrentLayer[] weights, grads; // per layer, what the sequence ops read and accumulate into
    private readonly ulong dropoutSeed;
    private ulong dropoutOffset;

    public int InputSize { get; }
    public int HiddenSize { get; }
    public int NumLayers { get; }
    public bool Peephole { get; }
    public bool HasCellState => true;
    public float Dropout { get; }
    public IReadOnlyList<Parameter> Parameters { get; }

    public Lstm(Backend device, int inputSize, int hiddenSize, int numLayers = 1, bool peephole = false, float dropout = 0f, ulong seed = 0)
    {
        if (inputSize <= 0 || hiddenSize <= 0 || numLayers <= 0)
            throw new ArgumentException($"lstm: input size {inputSize}, hidden size {hiddenSize} and layers {numLayers} must be positive");
        if (dropout < 0f || dropout >= 1f) throw new ArgumentException($"lstm: dropout {dropout} must be in [0, 1)");
        this.device = device;
        dropoutSeed = DropoutSeed(seed);
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        NumLayers = numLayers;
        Peephole = peephole;
        Dropout = dropout;
        int g = 4 * hiddenSize;
        wih = new Parameter[numLayers]; whh = new Parameter[numLayers];
        bih = new Parameter[numLayers]; bhh = new Parameter[numLayers];
        peep = new Parameter?[numLayers];
        var all = new List<Parameter>();
        double bound = 1.0 / Math.Sqrt(hiddenSize);
        for (int l = 0; l < numLayers; l++)
        {
            int f = l == 0 ? inputSize : hiddenSize;
            wih[l] = new Parameter(device, $"weight_ih_l{l}", g, f);
            whh[l] = new Parameter(device, $"weight_hh_l{l}", g, hiddenSize);
            bih[l] = new Parameter(device, $"bias_ih_l{l}", g);
            bhh[l] = new Parameter(device, $"bias_hh_l{l}", g);
            all.AddRange([wih[l], whh[l], bih[l], bhh[l]]);
            if (peephole)
            {
                peep[l] = new Parameter(device, $"weight_peephole_l{l}", 3, hiddenSize);
                all.Add(peep[l]!);
            }
        }
        weights = new RecurrentLayer[numLayers];
        grads = new RecurrentLayer[numLayers];
        for (int l = 0; l < numLayers; l++)
        {
            weights[l] = new RecurrentLayer(wih[l].Value, whh[l].Value, bih[l].Value, bhh[l].Value, peep[l]?.Value);
            grads[l] = new RecurrentLayer(wih[l].Grad, whh[l].Grad, bih[l].Grad, bhh[l].Grad, peep[l]?.Grad);
        }
        Stack = peephole ? null : new RecurrentStack(false, inputSize, hiddenSize, weights);
        // One seed, one stream per parameter (its index): the same values on every backend.
        for (int p = 0; p < all.Count; p++) all[p].InitUniform(bound, seed, (ulong)p);
        Parameters = all;
    }

    /// <summary>
    /// Full-sequence forward. x [T,B,F]; h0, c0 [L,B,H] or null (zeros); y [T,B,H] the last layer's outputs; hN, cN
    /// [L,B,H] the final states (optional). Saves what <see cref="Backward"/> needs. Dropout only when training.
    /// x is not copied: it must stay unchanged until Backward, which reads it again for dW_ih.
    /// </summary>
    public void Forward(Tensor x, Tensor? h0, Tensor? c0, Tensor y, Tensor? hN, Tensor? cN, bool training)
    {
        int t = x.Rank == 3 ? x.Dim(0) : -1, b = x.Rank == 3 ? x.Dim(1) : -1;
        if (x.Rank != 3 || x.Dim(2) != InputSize || t == 0 || b == 0)
            throw new ArgumentException($"lstm: input x has shape {x.ShapeString}, expected [T, B, {InputSize}] with T, B > 0");
        RequireShape(y, "y", t, b, HiddenSize);
        if (h0 is not null) RequireShape(h0, "h0", NumLayers, b, HiddenSize);
        if (c0 is not null) RequireShape(c0, "c0", NumLayers, b, HiddenSize);
        if (hN is not null) RequireShape(hN, "hN", NumLayers, b, HiddenSize);
        if (cN is not null) RequireShape(cN, "cN", NumLayers, b, HiddenSize);
        var s = Buffers(t, b);
        s.DropoutApplied = training && Dropout > 0f && NumLayers > 1;
        Tensor[]? h0l = s.LayerViews(0, h0), c0l = s.LayerViews(1, c0), hNl = s.LayerViews(2, hN), cNl = s.LayerViews(3, cN);
        for (int l = 0; l < NumLayers; l++)
        {
            var L = s.Layers[l];
            // Hs[0] = h0, Cs[0] = c0: the saved state sequence then holds every h_{t-1} contiguously for dW_hh.
            device.Copy(h0l is null ? s.ZeroState : h0l[l], L.HStep[0]);
            device.Copy(c0l is null ? s.ZeroState : c0l[l], L.CStep[0]);

            Tensor input = l == 0 ? s.FlatInput(x, InputSize) : s.Layers[l - 1].Outputs;
            if (l > 0 && s.DropoutApplied)
            {
                device.Dropout(input, L.DroppedInput!, L.DropoutMask!, Dropout, dropoutSeed, dropoutOffset);
                dropoutOffset += (ulong)input.Length;
                input = L.DroppedInput!;
            }
            device.LstmSequenceForward(t, input, weights[l], L.GatesFlat, L.Hs, L.Cs);
            if (hNl is not null) device.Copy(L.HStep[t], hNl[l]);
            if (cNl is not null) device.Copy(L.CStep[t], cNl[l]);
        }
        device.Copy(s.Layers[NumLayers - 1].Outputs, y);
        s.ForwardDone = true;
        s.Input = x;
    }

    /// <summary>
    /// BPTT through the last <see cref="Forward"/>. dy [T,B,H]; dhN, dcN [L,B,H] or null (zero). Writes dx [T,B,F],
    /// dh0, dc0 [L,B,H] when given, and accumulates (+=) every parameter gradient.
    /// </summary>
    public void Backward(Tensor dy, Tensor? dhN, Tensor? dcN, Tensor? dx, Tensor? dh0, Tensor? dc0)
    {
        var s = saved ?? throw new InvalidOperationException("lstm: Backward called before Forward");
        if (!s.ForwardDone) throw new InvalidOperationException("lstm: Backward called before Forward");
        int t = s.T, b = s.B;
        RequireShape(dy, "dy", t, b, HiddenSize);
        if (dhN is not null) RequireShape(dhN, "dhN", NumLayers, b, HiddenSize);
        if (dcN is not null) RequireShape(dcN, "dcN", NumLayers, b, HiddenSize);
        if (dx is not null) RequireShape(dx, "dx", t, b, InputSize);
        if (dh0 is not null) RequireShape(dh0, "dh0", NumLayers, b, HiddenSize);
        if (dc0 is not null) RequireShape(dc0, "dc0", NumLayers, b, HiddenSize);

        // Every view is resolved here (cached while the caller passes the same tensors).
        Tensor[]? dhNl = s.LayerViews(4, dhN), dcNl = s.LayerViews(5, dcN), dh0l = s.LayerViews(6, dh0), dc0l = s.LayerViews(7, dc0);
        for (int l = NumLayers - 1; l >= 0; l--)
        {
            var L = s.Layers[l];
            Tensor input = l == 0 ? s.FlatInput(s.Input!, InputSize) : s.DropoutApplied ? L.DroppedInput! : s.Layers[l - 1].Outputs;
            // The gradient of this layer's input: dy of the layer below (the op reads each step of dy before it writes
            // that step of dx, so the layer's own dy buffer can take it), or dx.
            Tensor? dInput = l > 0 ? s.DOutputs : dx?.Reshape(t * b, InputSize);
            device.LstmSequenceBackward(t, input, weights[l], L.GatesFlat, L.Hs, L.Cs, l == NumLayers - 1 ? dy : s.DOutputs, dhNl?[l],
                dcNl?[l], s.DGatesFlat, dInput, dh0l?[l], dc0l?[l], grads[l]);
            if (l > 0 && s.DropoutApplied) device.DropoutBackward(s.DOutputs, L.DropoutMask!, s.DOutputs);
        }
    }

    /// <summary>
    /// One step for free-running decoding (no saved activations, no dropout): x [B,F]; h, c [L,B,H] hold the state in and
    /// are updated in place; y [B,H] gets the last layer's new h.
    /// </summary>
    public void Step(Tensor x, Tensor h, Tensor? c, Tensor y)
    {
        if (c is null) throw new ArgumentException("lstm: a step needs the cell state c [L, B, H]");
        int b = x.Rank == 2 ? x.Dim(0) : -1;
        if (x.Rank != 2 || x.Dim(1) != InputSize || b == 0)
            throw new ArgumentException($"lstm: step input x has shape {x.ShapeString}, expected [B, {InputSize}] with B > 0");
        RequireShape(h, "h", NumLayers, b, HiddenSize);
        RequireShape(c, "c", NumLayers, b, HiddenSize);
        if (y.Rank != 2 || y.Dim(0) != b || y.Dim(1) != HiddenSize)
            throw new ArgumentException($"lstm: step output y has shape {y.ShapeString}, expected [{b}, {HiddenSize}]");
        var s = StepBuffersFor(b);
        Tensor[] hl = s.H.Get(h), cl = s.C.Get(c);
        // A one-step sequence: the same arithmetic as Forward, so a step from the same state gives bit-identical
        // outputs (free decoding's first step equals teacher forcing's).
        for (int l = 0; l < NumLayers; l++)
        {
            device.Copy(hl[l], s.HPair[0]);
            device.Copy(cl[l], s.CPair[0]);
            device.LstmSequenceForward(1, l == 0 ? x : hl[l - 1], weights[l], s.Gates, s.HPairAll, s.CPairAll);
            device.Copy(s.HPair[1], hl[l]);
            device.Copy(s.CPair[1], cl[l]);
        }
        device.Copy(hl[NumLayers - 1], y);
    }

    /// <summary>The fused scorer's view of this LSTM: null with peepholes (the fused paths have no peephole term).</summary>
    public RecurrentStack? Stack { get; }

    /// <summary>The seed of the dropout masks of a layer built with <paramref name="seed"/> (apart from the init streams).</summary>
    internal static ulong DropoutSeed(ulong seed) => CounterRng.Hash(seed, 0xD50F_0D50_F0D5_0F0DUL);

    private void RequireShape(Tensor tensor, string name, int d0, int d1, int d2)
    {
        if (tensor.Device != device)
            throw new ArgumentException($"lstm: {name} {tensor.ShapeString} lives on '{tensor.Device.Name}', the layer on '{device.Name}'");
        if (tensor.Rank != 3 || tensor.Dim(0) != d0 || tensor.Dim(1) != d1 || tensor.Dim(2) != d2)
            throw new ArgumentException($"lstm: {name} has shape {tensor.ShapeString}, expected [{d0}, {d1}, {d2}]");
    }

    public void Dispose()
    {
        saved?.Dispose();
        stepState?.Dispose();
        foreach (var p in Parameters) p.Dispose();
    }
}
