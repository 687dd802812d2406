using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

/// <summary>
/// The pointwise part of one GRU time step, fused into a single pass (PyTorch formulation, = Keras reset_after=True:
/// the reset gate multiplies the whole recurrent candidate term W_hn h + b_hn):
///   r = sigmoid(gx_r + b_ir + gh_r + b_hr),  z = sigmoid(gx_z + b_iz + gh_z + b_hz),
///   n = tanh(gx_n + b_in + r * (gh_n + b_hn)),  h' = (1 - z) * n + z * h,
/// where gx = x W_ih^T and gh = h W_hh^T come from GEMMs (without biases: the biases are added here).
/// Row layouts: gx, gh [B, 3H] in gate order r, z, n; gates [B, 4H] saves r, z, n and (gh_n + b_hn) for the backward.
/// </summary>
public abstract partial class Backend
{
    public void GruCellForward(Tensor gx, Tensor gh, Tensor bih, Tensor bhh, Tensor hPrev, Tensor hNext, Tensor gates)
    {
        int b = hPrev.Rows, h = hPrev.Cols;
        CheckGruCell("gru-cell forward", b, h, hPrev, gates);
        Require("gru-cell forward", gx, "gx", b * 3 * h, $"[{b}, {3 * h}]");
        Require("gru-cell forward", gh, "gh", b * 3 * h, $"[{b}, {3 * h}]");
        Require("gru-cell forward", bih, "b_ih", 3 * h, $"[{3 * h}]");
        Require("gru-cell forward", bhh, "b_hh", 3 * h, $"[{3 * h}]");
        Require("gru-cell forward", hNext, "h'", b * h, $"[{b}, {h}]");
        if (b * h == 0) return;
        GruCellForwardCore(b, h, gx, gh, bih, bhh, hPrev, hNext, gates);
    }

    /// <summary>
    /// Backward of one step. dh holds the gradient carried from step t+1 on entry; the step's total gradient is
    /// dy + dh. On exit dh holds the part of dL/dh_{t-1} that does not pass through W_hh (dh' * z); the caller adds
    /// dgh W_hh with a GEMM. dgx [B, 3H] is the gradient of the input-side pre-activations (and of b_ih), dgh [B, 3H]
    /// that of the recurrent-side ones (and of b_hh): they differ only in the n block, where dgh_n = dgx_n * r.
    /// </summary>
    public void GruCellBackward(Tensor dy, Tensor dh, Tensor hPrev, Tensor gates, Tensor dgx, Tensor dgh)
    {
        int b = hPrev.Rows, h = hPrev.Cols;
        CheckGruCell("gru-cell backward", b, h, hPrev, gates);
        Require("gru-cell backward", dy, "dy", b * h, $"[{b}, {h}]");
        Require("gru-cell backward", dh, "dh", b * h, $"[{b}, {h}]");
        Require("gru-cell backward", dgx, "dgx", b * 3 * h, $"[{b}, {3 * h}]");
        Require("gru-cell backward", dgh, "dgh", b * 3 * h, $"[{b}, {3 * h}]");
        if (b * h == 0) return;
        GruCellBackwardCore(b, h, dy, dh, hPrev, gates, dgx, dgh);
    }

    private void CheckGruCell(string op, int b, int h, Tensor hPrev, Tensor gates)
    {
        if (hPrev.Device != this)
            throw new ArgumentException($"{op}: h {hPrev.ShapeString} lives on '{hPrev.Device.Name}', the op runs on '{Name}'");
        Require(op, gates, "gates", b * 4 * h, $"[{b}, {4 * h}]");
    }

    protected abstract void GruCellForwardCore(int b, int h, Tensor gx, Tensor gh, Tensor bih, Tensor bhh, Tensor hPrev, Tensor hNext, Tensor gates);
    protected abstract void GruCellBackwardCore(int b, int h, Tensor dy, Tensor dh, Tensor hPrev, Tensor gates, Tensor dgx, Tensor dgh);
}
