using RnnEngine.Engine.Verification;

namespace RnnEngine.Engine;

/// <summary>
/// Finite-difference check of <see cref="Backend.LstmSequenceForward"/> / <see cref="Backend.LstmSequenceBackward"/>
/// through T = 5 steps from non-zero h0 and c0: the output is (y = h_1..h_T, hN, cN), so dy, dhN and dcN all flow in, and
/// every input is differentiated (x, h0, c0, both weights, both biases, the peepholes when on). B = 3, F = 3, H = 5.
/// </summary>
public sealed class LstmSequenceCheck(bool peephole, int t = 5, int b = 3, int f = 3, int h = 5) : GradCheck
{
    public override string Name => peephole ? "lstm-sequence-peephole" : "lstm-sequence";

    protected override CheckInput[] MakeInputs(Random rng) =>
    [
        new("x", Uniform(rng, t * b * f), [t * b, f]),
        new("h0", Uniform(rng, b * h, -0.8, 0.8), [b, h]),
        new("c0", Uniform(rng, b * h), [b, h]),
        new("weight_ih", Uniform(rng, 4 * h * f, -0.6, 0.6), [4 * h, f]),
        new("weight_hh", Uniform(rng, 4 * h * h, -0.6, 0.6), [4 * h, h]),
        new("bias_ih", Uniform(rng, 4 * h, -0.5, 0.5), [4 * h]),
        new("bias_hh", Uniform(rng, 4 * h, -0.5, 0.5), [4 * h]),
        new("weight_peephole", Uniform(rng, 3 * h, -0.6, 0.6), [3, h], Differentiable: peephole),
    ];

    protected override double[] ReferenceForward(double[][] x)
    {
        int bh = b * h;
        var hs = new double[(t + 1) * bh];
        var cs = new double[(t + 1) * bh];
        x[1].CopyTo(hs, 0);
        x[2].CopyTo(cs, 0);
        Reference.LstmSequenceForward(t, b, f, h, x[0], x[3], x[4], x[5], x[6], peephole ? x[7] : [], new double[t * b * 4 * h], hs, cs);
        return [.. hs.AsSpan(bh), .. hs.AsSpan(t * bh), .. cs.AsSpan(t * bh)];
    }

    protected override (float[] Output, float[]?[] Gradients) Analytic(Backend backend, float[][] x, float[] dOut) =>
        WithTensors(backend, s =>
        {
            int bh = b * h, ny = t * bh;
            var xs = s.Of(x[0], t * b, f);
            var w = new RecurrentLayer(s.Of(x[3], 4 * h, f), s.Of(x[4], 4 * h, h), s.Of(x[5], 4 * h), s.Of(x[6], 4 * h),
                peephole ? s.Of(x[7], 3, h) : null);
            var hs = s.Of([.. x[1], .. new float[ny]], t + 1, b, h);
            var cs = s.Of([.. x[2], .. new float[ny]], t + 1, b, h);
            var gates = s.Zeros(t * b, 4 * h);
            backend.LstmSequenceForward(t, xs, w, gates, hs, cs);

            var dw = new RecurrentLayer(s.Zeros(4 * h, f), s.Zeros(4 * h, h), s.Zeros(4 * h), s.Zeros(4 * h), peephole ? s.Zeros(3, h) : null);
            var dx = s.Zeros(t * b, f);
            var dh0 = s.Zeros(b, h);
            var dc0 = s.Zeros(b, h);
            backend.LstmSequenceBackward(t, xs, w, gates, hs, cs, s.Of(dOut[..ny], t * b, h), s.Of(dOut[ny..(ny + bh)], b, h),
                s.Of(dOut[(ny + bh)..], b, h), s.Zeros(t * b, 4 * h), dx, dh0, dc0, dw);
            float[] hAll = hs.ToArray(), cAll = cs.ToArray();
            return ((float[])[.. hAll.AsSpan(bh), .. hAll.AsSpan(t * bh), .. cAll.AsSpan(t * bh)],
                new float[]?[] { dx.ToArray(), dh0.ToArray(), dc0.ToArray(), dw.Wih.ToArray(), dw.Whh.ToArray(), dw.Bih.ToArray(),
                    dw.Bhh.ToArray(), dw.Peephole?.ToArray() });
        });
}
