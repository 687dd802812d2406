using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

/// <summary>
/// Reconstruction scores of an EncDec-AD encoder-decoder (Malhotra et al. 2016) as one op on weight tensors. The encoder
/// (LSTM or GRU, NL layers, H units, no peepholes) reads x [T, B, F] from zero states; the decoder starts from the
/// encoder's final states (every layer, h and c) and, through the output layer y = h W_out^T + b_out (W_out [F, H],
/// b_out [F]), reconstructs the window in reverse: x'(T) from the encoder's top final h, then x'(T-1) .. x'(1) from its
/// own steps, whose inputs are x(T) .. x(2) (teacher forcing) or its previous reconstruction (free running).
/// scores [B] = mean over (t, f) of (x' - x)^2. Rows never interact, so each backend runs it per tile of batch rows.
/// </summary>
public abstract partial class Backend
{
    public void EncDecScore(RecurrentStack encoder, RecurrentStack decoder, Tensor wOut, Tensor bOut, Tensor x, bool teacher, Tensor scores)
    {
        const string op = "encdec-score";
        int t = x.Rank == 3 ? x.Dim(0) : -1, b = x.Rank == 3 ? x.Dim(1) : -1, f = x.Rank == 3 ? x.Dim(2) : -1, h = encoder.Hidden;
        if (t <= 0 || b <= 0 || f != encoder.Input || decoder.Input != f || decoder.Hidden != h || decoder.Depth != encoder.Depth
            || decoder.IsGru != encoder.IsGru || encoder.Depth == 0)
            throw new ArgumentException($"{op}: x {x.ShapeString} (expected [T, B, {encoder.Input}]), encoder {encoder.Depth} x "
                + $"({encoder.Input} -> {h}), decoder {decoder.Depth} x ({decoder.Input} -> {decoder.Hidden}) do not fit");
        Require(op, x, "x", t * b * f, $"[{t}, {b}, {f}]");
        Require(op, wOut, "W_out", f * h, $"[{f}, {h}]");
        Require(op, bOut, "b_out", f, $"[{f}]");
        Require(op, scores, "scores", b, $"[{b}]");
        int g = (encoder.IsGru ? 3 : 4) * h;
        foreach (var stack in new[] { encoder, decoder })
            for (int l = 0; l < stack.Depth; l++)
            {
                var w = stack.Layers[l];
                int fl = l == 0 ? f : h;
                if (w.Peephole is not null) throw new ArgumentException($"{op}: layer {l} has peepholes; the fused score has no peephole term");
                Require(op, w.Wih, $"W_ih of layer {l}", g * fl, $"[{g}, {fl}]");
                Require(op, w.Whh, $"W_hh of layer {l}", g * h, $"[{g}, {h}]");
                Require(op, w.Bih, $"b_ih of layer {l}", g, $"[{g}]");
                Require(op, w.Bhh, $"b_hh of layer {l}", g, $"[{g}]");
            }
        EncDecScoreCore(encoder, decoder, wOut, bOut, x, teacher, scores);
    }

    /// <summary>Whether <see cref="EncDecScore"/> runs for these sizes here (the ILGPU kernel has fixed limits; the cpu none).</summary>
    public virtual bool FusesEncDecScore(int layers, int hidden, int features) => true;

    protected abstract void EncDecScoreCore(RecurrentStack encoder, RecurrentStack decoder, Tensor wOut, Tensor bOut, Tensor x, bool teacher,
        Tensor scores);
}
