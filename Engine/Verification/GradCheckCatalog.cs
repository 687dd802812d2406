namespace RnnEngine.Engine.Verification;

/// <summary>Every finite-difference check of the engine's ops and layers, in the order `rnnengine gradcheck` prints them.</summary>
public static class GradCheckCatalog
{
    public static IReadOnlyList<GradCheck> Engine() =>
    [
        // ops
        new GemmCheck(false, false), new GemmCheck(false, true), new GemmCheck(true, false), new GemmCheck(true, true),
        new AddCheck(), new MulCheck(), new BiasAddCheck(), new ColumnSumCheck(),
        new ActivationCheck(ActivationKind.Sigmoid), new ActivationCheck(ActivationKind.Tanh),
        new ActivationCheck(ActivationKind.Relu), new ActivationCheck(ActivationKind.LeakyRelu),
        new ReduceRowsCheck(ReductionKind.Sum), new ReduceRowsCheck(ReductionKind.Mean), new ReduceRowsCheck(ReductionKind.Max),
        new SoftmaxCheck(), new LossCheck(LossKind.Squared), new LossCheck(LossKind.Absolute),
        new DropoutCheck(),
        new LstmCellCheck(peephole: false), new LstmCellCheck(peephole: true),
        new LstmSequenceCheck(peephole: false), new LstmSequenceCheck(peephole: true), new GruSequenceCheck(),
        new EncDecScoreCheck(gru: false, teacher: true), new EncDecScoreCheck(gru: false, teacher: false),
        new EncDecScoreCheck(gru: true, teacher: true), new EncDecScoreCheck(gru: true, teacher: false),
        // layers
        new LinearCheck(),
        new LstmCheck("lstm", layers: 1, peephole: false), new LstmCheck("lstm-peephole", layers: 1, peephole: true),
        new LstmCheck("lstm-2layer", layers: 2, peephole: false),
        new LstmCheck("lstm-2layer-dropout", layers: 2, peephole: true, dropout: 0.3f),
        new GruCheck(1), new GruCheck(2),
        new AttentionCheck(),
        new EmbeddingCheck(), new CrossEntropyCheck(),
    ];
}
