using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine.Layers;

/// <summary>
/// Reconstruction scores of an EncDec-AD encoder-decoder (Malhotra et al. 2016) in one fused pass where the backend has
/// one (the cpu: <see cref="CpuBackend"/>'s EncDecScore). The encoder reads x [L, B, F] from zero states; the decoder
/// starts from the encoder's final states (every layer) and, through output = Linear(H, F), reconstructs the window in
/// reverse: x'(L) from the encoder's top state, then x'(L-1) .. x'(1) from its own steps, whose inputs are x(L) .. x(2)
/// (teacher forcing) or its previous reconstruction (free running). scores [B] = mean over (t, f) of (x' - x)^2.
/// </summary>
public static class EncDecScorer
{
    /// <summary>False (nothing written) where no fused path applies: not a cpu backend, or peepholes.</summary>
    public static bool TryScore(Lstm encoder, Lstm decoder, Linear output, Tensor x, bool teacher, Tensor scores)
    {
        var enc = RecurrentStack.Of(encoder);
        var dec = RecurrentStack.Of(decoder);
        return enc is not null && dec is not null && TryScore(enc, dec, output, x, teacher, scores);
    }

    public static bool TryScore(Gru encoder, Gru decoder, Linear output, Tensor x, bool teacher, Tensor scores) =>
        TryScore(RecurrentStack.Of(encoder), RecurrentStack.Of(decoder), output, x, teacher, scores);

    private static bool TryScore(RecurrentStack enc, RecurrentStack dec, Linear output, Tensor x, bool teacher, Tensor scores)
    {
        if (x.Device is not CpuBackend cpu || output.Bias is null) return false;
        int l = x.Rank == 3 ? x.Dim(0) : -1, b = x.Rank == 3 ? x.Dim(1) : -1, f = x.Rank == 3 ? x.Dim(2) : -1;
        if (l <= 0 || b <= 0 || f != enc.Input || dec.Input != f || dec.Hidden != enc.Hidden || dec.Layers != enc.Layers
            || output.InFeatures != enc.Hidden || output.OutFeatures != f || scores.Length != b)
            throw new ArgumentException($"encdec score: x {x.ShapeString} (expected [L, B, {enc.Input}]), encoder {enc.Layers} x "
                + $"({enc.Input} -> {enc.Hidden}), decoder {dec.Layers} x ({dec.Input} -> {dec.Hidden}), output "
                + $"{output.InFeatures} -> {output.OutFeatures}, scores {scores.ShapeString} do not fit");
        foreach (var t in new[] { scores, output.Weight.Value, enc.Wih[0], dec.Wih[0] })
            if (t.Device != cpu) throw new ArgumentException($"encdec score: a tensor lives on '{t.Device.Name}', x on '{cpu.Name}'");
        cpu.EncDecScore(enc, dec, output.Weight.Value, output.Bias.Value, x, teacher, scores);
        return true;
    }
}
