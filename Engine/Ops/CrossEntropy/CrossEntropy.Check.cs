using RnnEngine.Engine.Verification;

namespace RnnEngine.Engine;

/// <summary>Finite-difference check of the masked softmax cross-entropy (mean loss) with respect to the logits; one padding row.</summary>
public sealed class CrossEntropyCheck(int vocab = 5) : GradCheck
{
    private const int Padding = 0;
    private static readonly int[] Targets = [2, 0, 4, 1, 2, 3];

    public override string Name => "cross-entropy";

    public override Tolerances.Tol ForwardTolerance => Tolerances.Reduction;

    protected override CheckInput[] MakeInputs(Random rng) =>
    [
        new("logits", Uniform(rng, Targets.Length * vocab, -2, 2), [Targets.Length, vocab]),
        new("targets", Targets.Select(t => (double)t).ToArray(), [Targets.Length], Differentiable: false),
    ];

    protected override double[] ReferenceForward(double[][] x) =>
        [Reference.SoftmaxCrossEntropy(Targets.Length, vocab, x[0], x[1].Select(v => (int)v).ToArray(), Padding, default, out _)];

    protected override (float[] Output, float[]?[] Gradients) Analytic(Backend backend, float[][] x, float[] dOut) =>
        WithTensors(backend, s =>
        {
            using var targets = backend.Ids(x[1].Select(v => (int)v).ToArray());
            var grad = s.Zeros(Targets.Length, vocab);
            float loss = backend.SoftmaxCrossEntropy(s.Of(x[0], Targets.Length, vocab), targets, Padding, grad, out _);
            backend.Scale(grad, dOut[0]);
            return (new[] { loss }, new float[]?[] { grad.ToArray(), null });
        });
}
