using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine.Layers;

/// <summary>
/// The layers' way into <see cref="Backend.EncDecScore"/>: the EncDec-AD reconstruction score of an encoder, a decoder
/// and a linear output layer in one fused op (see there for the model and the score).
/// </summary>
public static class EncDecScorer
{
    /// <summary>
    /// False (nothing written) where the fused op does not apply: peepholes, an output layer without bias, or sizes the
    /// device's fused path does not take.
    /// </summary>
    public static bool TryScore(IRecurrent encoder, IRecurrent decoder, Linear output, Tensor x, bool teacher, Tensor scores)
    {
        if (encoder.Stack is not { } enc || decoder.Stack is not { } dec || output.Bias is null) return false;
        if (!x.Device.FusesEncDecScore(enc.Depth, enc.Hidden, enc.Input)) return false;
        if (output.InFeatures != enc.Hidden || output.OutFeatures != enc.Input)
            throw new ArgumentException($"encdec score: output layer {output.InFeatures} -> {output.OutFeatures}, expected {enc.Hidden} -> {enc.Input}");
        x.Device.EncDecScore(enc, dec, output.Weight.Value, output.Bias.Value, x, teacher, scores);
        return true;
    }
}
