using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

/// <summary>
/// The pointwise half of one LSTM time step (the GEMMs stay in the layer). Gate order i, f, g, o along the last axis
/// of the [B, 4H] gate tensors, as PyTorch. Optional peepholes (TF LSTMCell use_peepholes) are one [3, H] tensor with
/// rows w_ci, w_cf, w_co:
///   i = sigmoid(a_i + w_ci * c_prev)   f = sigmoid(a_f + w_cf * c_prev)   g = tanh(a_g)
///   c = f * c_prev + i * g             o = sigmoid(a_o + w_co * c)        h = o * tanh(c)
/// where a = x W_ih^T + h_prev W_hh^T + b_ih + b_hh is the pre-activation the caller has already summed.
/// </summary>
public abstract partial class Backend
{
    /// <summary>
    /// Forward step. gates [B,4H] pre-activations in; act [B,4H] the activated i, f, g, o out (act may alias gates: the
    /// pre-activations are not needed afterwards); c [B,H] may alias cPrev.
    /// </summary>
    public void LstmCellForward(Tensor gates, Tensor cPrev, Tensor? peephole, Tensor h, Tensor c, Tensor act)
    {
        const string op = "lstm-cell-forward";
        var (b, hidden) = CellDims(op, gates);
        CellRequire(op, cPrev, "c_prev", b, hidden);
        CellRequire(op, h, "h", b, hidden);
        CellRequire(op, c, "c", b, hidden);
        CellRequire(op, act, "activated gates", b, 4 * hidden);
        if (peephole is not null) CellRequire(op, peephole, "peephole", 3, hidden);
        if (b == 0 || hidden == 0) return;
        LstmCellForwardCore(b, hidden, gates, cPrev, peephole, h, c, act);
    }

    /// <summary>
    /// Backward step. act, cPrev, c are the forward's saved values; dh [B,H] (plus dhExtra when given, e.g. the output
    /// gradient and the recurrent gradient) flows into h, dcNext [B,H] (null = 0) into c from the following step.
    /// Writes dGates [B,4H] (pre-activation), dcPrev [B,H] (may alias dcNext) and accumulates dPeephole [3,H] (+=).
    /// </summary>
    public void LstmCellBackward(Tensor act, Tensor cPrev, Tensor c, Tensor? peephole, Tensor dh, Tensor? dhExtra,
        Tensor? dcNext, Tensor dGates, Tensor dcPrev, Tensor? dPeephole)
    {
        const string op = "lstm-cell-backward";
        var (b, hidden) = CellDims(op, act);
        CellRequire(op, cPrev, "c_prev", b, hidden);
        CellRequire(op, c, "c", b, hidden);
        CellRequire(op, dh, "dh", b, hidden);
        if (dhExtra is not null) CellRequire(op, dhExtra, "dh_extra", b, hidden);
        if (dcNext is not null) CellRequire(op, dcNext, "dc_next", b, hidden);
        CellRequire(op, dGates, "d gates", b, 4 * hidden);
        CellRequire(op, dcPrev, "dc_prev", b, hidden);
        if ((peephole is null) != (dPeephole is null))
            throw new ArgumentException($"{op}: peephole and its gradient must both be given or both be null");
        if (peephole is not null) CellRequire(op, peephole, "peephole", 3, hidden);
        if (dPeephole is not null) CellRequire(op, dPeephole, "d peephole", 3, hidden);
        if (b == 0 || hidden == 0) return;
        LstmCellBackwardCore(b, hidden, act, cPrev, c, peephole, dh, dhExtra, dcNext, dGates, dcPrev, dPeephole);
    }

    // Called every time step: the message (an allocation) is built only when the check fails.
    private void CellRequire(string op, Tensor t, string what, int rows, int cols)
    {
        if (t.Device != this || t.Length != rows * cols) Require(op, t, what, rows * cols, $"[{rows}, {cols}]");
    }

    private (int B, int H) CellDims(string op, Tensor gates)
    {
        if (gates.Device != this)
            throw new ArgumentException($"{op}: gates {gates.ShapeString} live on '{gates.Device.Name}', the op runs on '{Name}'");
        if (gates.Cols % 4 != 0)
            throw new ArgumentException($"{op}: gates {gates.ShapeString} must be [B, 4H] (last dimension a multiple of 4)");
        return (gates.Rows, gates.Cols / 4);
    }

    protected abstract void LstmCellForwardCore(int b, int hidden, Tensor gates, Tensor cPrev, Tensor? peephole,
        Tensor h, Tensor c, Tensor act);

    protected abstract void LstmCellBackwardCore(int b, int hidden, Tensor act, Tensor cPrev, Tensor c, Tensor? peephole,
        Tensor dh, Tensor? dhExtra, Tensor? dcNext, Tensor dGates, Tensor dcPrev, Tensor? dPeephole);
}
