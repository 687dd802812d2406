using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

/// <summary>
/// One GRU layer over a whole sequence of T steps (B rows, F inputs, H units, G = 3H gates in order r, z, n; the cell of
/// <see cref="GruCellForward"/>, PyTorch's formulation with r applied to W_hn h + b_hn). One op for the whole recurrence
/// for the reasons given on <see cref="LstmSequenceForward"/>.
/// </summary>
public abstract partial class Backend
{
    /// <summary>
    /// Forward. x [T*B, F]; writes gates [T*B, 4H] (r, z, n and W_hn h_{t-1} + b_hn per step, what the backward reads);
    /// hs [(T+1)*B, H] holds h0 in its first B rows on entry and gets h_t in rows (t+1)*B...
    /// </summary>
    public void GruSequenceForward(int steps, Tensor x, RecurrentLayer w, Tensor gates, Tensor hs)
    {
        const string op = "gru-sequence-forward";
        var (b, f, h) = SequenceDims(op, steps, w, 3, gates);
        if (w.Peephole is not null) throw new ArgumentException($"{op}: a GRU has no peephole");
        Require(op, x, "x", steps * b * f, $"[{steps * b}, {f}]");
        Require(op, hs, "hs", (steps + 1) * b * h, $"[{(steps + 1) * b}, {h}]");
        GruSequenceForwardCore(steps, b, f, h, x, w, gates, hs);
    }

    /// <summary>
    /// Backward through the last forward (x, gates, hs as it left them). dy [T*B, H]; dhN [B, H] (null = 0) flows into the
    /// last step. Writes dgx, dgh [T*B, 3H] (the gradients of the input-side and recurrent-side pre-activations, as
    /// <see cref="GruCellBackward"/>), dx [T*B, F] (may be dy itself) and dh0 [B, H] when given, and accumulates (+=) the
    /// gradients of W_ih, W_hh, b_ih, b_hh into dw.
    /// </summary>
    public void GruSequenceBackward(int steps, Tensor x, RecurrentLayer w, Tensor gates, Tensor hs, Tensor dy, Tensor? dhN,
        Tensor dgx, Tensor dgh, Tensor? dx, Tensor? dh0, RecurrentLayer dw)
    {
        const string op = "gru-sequence-backward";
        var (b, f, h) = SequenceDims(op, steps, w, 3, gates);
        int n = steps * b;
        Require(op, x, "x", n * f, $"[{n}, {f}]");
        Require(op, hs, "hs", (steps + 1) * b * h, $"[{(steps + 1) * b}, {h}]");
        Require(op, dy, "dy", n * h, $"[{n}, {h}]");
        if (dhN is not null) Require(op, dhN, "dhN", b * h, $"[{b}, {h}]");
        Require(op, dgx, "dgx", n * 3 * h, $"[{n}, {3 * h}]");
        Require(op, dgh, "dgh", n * 3 * h, $"[{n}, {3 * h}]");
        if (dx is not null) Require(op, dx, "dx", n * f, $"[{n}, {f}]");
        if (dh0 is not null) Require(op, dh0, "dh0", b * h, $"[{b}, {h}]");
        RequireGradients(op, w, dw);
        GruSequenceBackwardCore(steps, b, f, h, x, w, gates, hs, dy, dhN, dgx, dgh, dx, dh0, dw);
    }

    protected abstract void GruSequenceForwardCore(int t, int b, int f, int h, Tensor x, RecurrentLayer w, Tensor gates, Tensor hs);

    protected abstract void GruSequenceBackwardCore(int t, int b, int f, int h, Tensor x, RecurrentLayer w, Tensor gates, Tensor hs,
        Tensor dy, Tensor? dhN, Tensor dgx, Tensor dgh, Tensor? dx, Tensor? dh0, RecurrentLayer dw);
}
