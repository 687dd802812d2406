using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

/// <summary>
/// One LSTM layer over a whole sequence of T steps (B rows, F inputs, H units, G = 4H gates in order i, f, g, o), the
/// recurrence of <see cref="LstmCellForward"/> with a_t = x_t W_ih^T + b_ih + b_hh + h_{t-1} W_hh^T. The whole
/// recurrence is one op so each backend can run it its own way: the cpu as one parallel sweep per direction (batch
/// rows split over the cores, all steps per part), ILGPU as one input-projection GEMM plus one persistent kernel per
/// direction (each group owns a tile of batch rows for all steps: rows never interact, so no grid-wide barrier).
/// </summary>
public abstract partial class Backend
{
    /// <summary>
    /// Forward. x [T*B, F]; w the layer (peephole optional); writes gates [T*B, 4H] (the activated i, f, g, o); hs, cs
    /// [(T+1)*B, H] hold h0, c0 in their first B rows on entry and get h_t, c_t in rows (t+1)*B.. (what the backward reads).
    /// </summary>
    public void LstmSequenceForward(int steps, Tensor x, RecurrentLayer w, Tensor gates, Tensor hs, Tensor cs)
    {
        const string op = "lstm-sequence-forward";
        var (b, f, h) = SequenceDims(op, steps, w, 4, gates);
        Require(op, x, "x", steps * b * f, $"[{steps * b}, {f}]");
        if (w.Peephole is not null) Require(op, w.Peephole, "peephole", 3 * h, $"[3, {h}]");
        Require(op, hs, "hs", (steps + 1) * b * h, $"[{(steps + 1) * b}, {h}]");
        Require(op, cs, "cs", (steps + 1) * b * h, $"[{(steps + 1) * b}, {h}]");
        LstmSequenceForwardCore(steps, b, f, h, x, w, gates, hs, cs);
    }

    /// <summary>
    /// Backward through the last forward: x, gates, hs, cs as it left them; dy [T*B, H] the output gradient of every step;
    /// dhN, dcN [B, H] (null = 0) flow into the last step. Writes dGates [T*B, 4H] (pre-activation gradients), dx [T*B, F]
    /// (may be dy itself), dh0, dc0 [B, H] when given, and accumulates (+=) the gradients of every tensor of w into dw
    /// (b_ih and b_hh get the same one; dw.Peephole is required exactly when w has peepholes).
    /// </summary>
    public void LstmSequenceBackward(int steps, Tensor x, RecurrentLayer w, Tensor gates, Tensor hs, Tensor cs, Tensor dy,
        Tensor? dhN, Tensor? dcN, Tensor dGates, Tensor? dx, Tensor? dh0, Tensor? dc0, RecurrentLayer dw)
    {
        const string op = "lstm-sequence-backward";
        var (b, f, h) = SequenceDims(op, steps, w, 4, gates);
        int n = steps * b;
        Require(op, x, "x", n * f, $"[{n}, {f}]");
        Require(op, hs, "hs", (steps + 1) * b * h, $"[{(steps + 1) * b}, {h}]");
        Require(op, cs, "cs", (steps + 1) * b * h, $"[{(steps + 1) * b}, {h}]");
        Require(op, dy, "dy", n * h, $"[{n}, {h}]");
        if (dhN is not null) Require(op, dhN, "dhN", b * h, $"[{b}, {h}]");
        if (dcN is not null) Require(op, dcN, "dcN", b * h, $"[{b}, {h}]");
        Require(op, dGates, "dGates", n * 4 * h, $"[{n}, {4 * h}]");
        if (dx is not null) Require(op, dx, "dx", n * f, $"[{n}, {f}]");
        if (dh0 is not null) Require(op, dh0, "dh0", b * h, $"[{b}, {h}]");
        if (dc0 is not null) Require(op, dc0, "dc0", b * h, $"[{b}, {h}]");
        RequireGradients(op, w, dw);
        LstmSequenceBackwardCore(steps, b, f, h, x, w, gates, hs, cs, dy, dhN, dcN, dGates, dx, dh0, dc0, dw);
    }

    /// <summary>B, F, H of a sequence op from the weights (G = gatesPerUnit * H) and the [T*B, G'] gate buffer.</summary>
    private (int B, int F, int H) SequenceDims(string op, int steps, RecurrentLayer w, int gatesPerUnit, Tensor gates)
    {
        int h = w.Whh.Cols, g = gatesPerUnit * h, f = w.Wih.Cols;
        if (steps <= 0 || h <= 0 || f <= 0)
            throw new ArgumentException($"{op}: {steps} steps, W_ih {w.Wih.ShapeString}, W_hh {w.Whh.ShapeString}: all must be positive");
        Require(op, w.Wih, "W_ih", g * f, $"[{g}, {f}]");
        Require(op, w.Whh, "W_hh", g * h, $"[{g}, {h}]");
        Require(op, w.Bih, "b_ih", g, $"[{g}]");
        Require(op, w.Bhh, "b_hh", g, $"[{g}]");
        int width = 4 * h;  // both cells save 4H values per row (the GRU: r, z, n and W_hn h + b_hn)
        if (gates.Device != this || gates.Length % (steps * width) != 0 || gates.Length == 0)
            throw new ArgumentException($"{op}: gates {gates.ShapeString} on '{gates.Device.Name}', expected [T*B, {width}] with T = {steps} on '{Name}'");
        return (gates.Length / (steps * width), f, h);
    }

    private void RequireGradients(string op, RecurrentLayer w, RecurrentLayer dw)
    {
        RequireSameShape(op, w.Wih, "W_ih", dw.Wih, "dW_ih");
        RequireSameShape(op, w.Whh, "W_hh", dw.Whh, "dW_hh");
        RequireSameShape(op, w.Bih, "b_ih", dw.Bih, "db_ih");
        RequireSameShape(op, w.Bhh, "b_hh", dw.Bhh, "db_hh");
        if ((w.Peephole is null) != (dw.Peephole is null))
            throw new ArgumentException($"{op}: the peephole and its gradient must both be given or both be null");
        if (w.Peephole is not null) RequireSameShape(op, w.Peephole, "peephole", dw.Peephole!, "d peephole");
    }

    protected abstract void LstmSequenceForwardCore(int t, int b, int f, int h, Tensor x, RecurrentLayer w, Tensor gates, Tensor hs, Tensor cs);

    protected abstract void LstmSequenceBackwardCore(int t, int b, int f, int h, Tensor x, RecurrentLayer w, Tensor gates, Tensor hs, Tensor cs,
        Tensor dy, Tensor? dhN, Tensor? dcN, Tensor dGates, Tensor? dx, Tensor? dh0, Tensor? dc0, RecurrentLayer dw);
}
