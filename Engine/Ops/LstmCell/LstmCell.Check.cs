using RnnEngine.Engine.Verification;

namespace RnnEngine.Engine;

/// <summary>
/// Finite-difference check of the fused LSTM cell: output (h, c) of one step from pre-activations, c_prev and optional
/// peepholes (H = 18 covers the 16-wide SIMD chunk and the scalar tail); the analytic side is LstmCellBackward with dh and dc_next taken from the output weighting.
/// </summary>
public sealed class LstmCellCheck(bool peephole, int b = 2, int hidden = 18) : GradCheck
{
    public override string Name => peephole ? "lstm-cell-peephole" : "lstm-cell";

    protected override CheckInput[] MakeInputs(Random rng) =>
    [
        new("gates", Uniform(rng, b * 4 * hidden, -2, 2), [b, 4 * hidden]),
        new("c_prev", Uniform(rng, b * hidden, -1.5, 1.5), [b, hidden]),
        new("peephole", Uniform(rng, 3 * hidden), [3, hidden], Differentiable: peephole),
    ];

    protected override double[] ReferenceForward(double[][] x)
    {
        var h = new double[b * hidden];
        var c = new double[b * hidden];
        var act = new double[b * 4 * hidden];
        Reference.LstmCellForward(b, hidden, x[0], x[1], peephole ? x[2] : [], h, c, act);
        return [.. h, .. c];
    }

    protected override (float[] Output, float[]?[] Gradients) Analytic(Backend backend, float[][] x, float[] dOut) =>
        WithTensors(backend, s =>
        {
            int n = b * hidden;
            var gates = s.Of(x[0], b, 4 * hidden);
            var cPrev = s.Of(x[1], b, hidden);
            var peep = peephole ? s.Of(x[2], 3, hidden) : null;
            var h = s.Zeros(b, hidden);
            var c = s.Zeros(b, hidden);
            var act = s.Zeros(b, 4 * hidden);
            backend.LstmCellForward(gates, cPrev, peep, h, c, act);

            var dh = s.Of(dOut[..n], b, hidden);
            var dcNext = s.Of(dOut[n..], b, hidden);
            var dGates = s.Zeros(b, 4 * hidden);
            var dcPrev = s.Zeros(b, hidden);
            var dPeep = peephole ? s.Zeros(3, hidden) : null;
            backend.LstmCellBackward(act, cPrev, c, peep, dh, null, dcNext, dGates, dcPrev, dPeep);
            return ((float[])[.. h.ToArray(), .. c.ToArray()], new float[]?[] { dGates.ToArray(), dcPrev.ToArray(), dPeep?.ToArray() });
        });
}
