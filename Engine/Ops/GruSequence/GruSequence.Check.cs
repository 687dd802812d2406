using RnnEngine.Engine.Verification;

namespace RnnEngine.Engine;

/// <summary>
/// Finite-difference check of <see cref="Backend.GruSequenceForward"/> / <see cref="Backend.GruSequenceBackward"/>
/// through T = 5 steps from a non-zero h0: the output is (y = h_1..h_T, hN), so dy and dhN both flow in, and x, h0, both
/// weights and both biases are differentiated. B = 3, F = 3, H = 5.
/// </summary>
public sealed class GruSequenceCheck(int t = 5, int b = 3, int f = 3, int h = 5) : GradCheck
{
    public override string Name => "gru-sequence";

    protected override CheckInput[] MakeInputs(Random rng) =>
    [
        new("x", Uniform(rng, t * b * f), [t * b, f]),
        new("h0", Uniform(rng, b * h, -0.8, 0.8), [b, h]),
        new("weight_ih", Uniform(rng, 3 * h * f, -0.6, 0.6), [3 * h, f]),
        new("weight_hh", Uniform(rng, 3 * h * h, -0.6, 0.6), [3 * h, h]),
        new("bias_ih", Uniform(rng, 3 * h, -0.5, 0.5), [3 * h]),
        new("bias_hh", Uniform(rng, 3 * h, -0.5, 0.5), [3 * h]),
    ];

    protected override double[] ReferenceForward(double[][] x)
    {
        int bh = b * h;
        var hs = new double[(t + 1) * bh];
        x[1].CopyTo(hs, 0);
        Reference.GruSequenceForward(t, b, f, h, x[0], x[2], x[3], x[4], x[5], new double[t * b * 4 * h], hs);
        return [.. hs.AsSpan(bh), .. hs.AsSpan(t * bh)];
    }

    protected override (float[] Output, float[]?[] Gradients) Analytic(Backend backend, float[][] x, float[] dOut) =>
        WithTensors(backend, s =>
        {
            int bh = b * h, ny = t * bh;
            var xs = s.Of(x[0], t * b, f);
            var w = new RecurrentLayer(s.Of(x[2], 3 * h, f), s.Of(x[3], 3 * h, h), s.Of(x[4], 3 * h), s.Of(x[5], 3 * h));
            var hs = s.Of([.. x[1], .. new float[ny]], t + 1, b, h);
            var gates = s.Zeros(t * b, 4 * h);
            backend.GruSequenceForward(t, xs, w, gates, hs);

            var dw = new RecurrentLayer(s.Zeros(3 * h, f), s.Zeros(3 * h, h), s.Zeros(3 * h), s.Zeros(3 * h));
            var dx = s.Zeros(t * b, f);
            var dh0 = s.Zeros(b, h);
            backend.GruSequenceBackward(t, xs, w, gates, hs, s.Of(dOut[..ny], t * b, h), s.Of(dOut[ny..], b, h), s.Zeros(t * b, 3 * h),
                s.Zeros(t * b, 3 * h), dx, dh0, dw);
            float[] hAll = hs.ToArray();
            return ((float[])[.. hAll.AsSpan(bh), .. hAll.AsSpan(t * bh)],
                new float[]?[] { dx.ToArray(), dh0.ToArray(), dw.Wih.ToArray(), dw.Whh.ToArray(), dw.Bih.ToArray(), dw.Bhh.ToArray() });
        });
}
