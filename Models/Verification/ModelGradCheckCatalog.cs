using RnnEngine.Engine.Verification;

namespace RnnEngine.Models.Verification;

/// <summary>Finite-difference checks of whole models (one training step's loss against every parameter), run by `rnnengine gradcheck` after the engine's.</summary>
public static class ModelGradCheckCatalog
{
    public static IReadOnlyList<GradCheck> Models() =>
    [
        new RepeatLstmAutoencoderCheck(),
        new RepeatLstmAutoencoderCheck(linearHead: false),
    ];
}
