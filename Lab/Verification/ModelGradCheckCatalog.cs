using RnnEngine.Engine.Verification;

namespace RnnEngine.Models.Verification;

/// <summary>Finite-difference checks of whole models (one training step's loss against every parameter), run by `rnnengine gradcheck` after the engine's.</summary>
public static class ModelGradCheckCatalog
{
    public static IReadOnlyList<GradCheck> Models() =>
    [
        new GruAttentionSeq2SeqCheck(Architectures.DecoderState.Carry),
        new GruAttentionSeq2SeqCheck(Architectures.DecoderState.Reset),
        new NextStepPredictorCheck(RnnEngine.Models.Architectures.RecurrentCell.Lstm),
        new NextStepPredictorCheck(RnnEngine.Models.Architectures.RecurrentCell.Gru),
        new RepeatLstmAutoencoderCheck(),
        new RepeatLstmAutoencoderCheck(linearHead: false),
    ];
}
