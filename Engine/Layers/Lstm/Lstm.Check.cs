using RnnEngine.Engine.Layers;
using RnnEngine.Engine.Rng;
using RnnEngine.Engine.Verification;

namespace RnnEngine.Engine;

/// <summary>
/// Finite-difference check of the whole LSTM layer through T steps: the output is (y, hN, cN), every input is
/// differentiated (x, non-zero h0 and c0, each parameter), so BPTT, the state inputs and the weight-gradient GEMMs over
/// all steps are all covered. The float64 spec is <see cref="Reference.LstmForward"/>. With dropout the reference
/// rebuilds the layer's masks of its first training forward from CounterRng (same seed and offsets as the layer).
/// </summary>
public sealed class LstmCheck(string name, int layers, bool peephole, float dropout = 0f, int t = 4, int b = 2, int inputSize = 3,
    int hidden = 4) : GradCheck
{
    private const ulong LayerSeed = 7;

    public override string Name => name;

    private int PerLayer => peephole ? 5 : 4;

    protected override CheckInput[] MakeInputs(Random rng)
    {
        int g = 4 * hidden, state = layers * b * hidden;
        var inputs = new List<CheckInput>
        {
            new("x", Uniform(rng, t * b * inputSize), [t, b, inputSize]),
            new("h0", Uniform(rng, state, -0.8, 0.8), [layers, b, hidden]),
            new("c0", Uniform(rng, state), [layers, b, hidden]),
        };
        for (int l = 0; l < layers; l++)
        {
            int f = l == 0 ? inputSize : hidden;
            inputs.Add(new($"weight_ih_l{l}", Uniform(rng, g * f, -0.6, 0.6), [g, f]));
            inputs.Add(new($"weight_hh_l{l}", Uniform(rng, g * hidden, -0.6, 0.6), [g, hidden]));
            inputs.Add(new($"bias_ih_l{l}", Uniform(rng, g, -0.5, 0.5), [g]));
            inputs.Add(new($"bias_hh_l{l}", Uniform(rng, g, -0.5, 0.5), [g]));
            if (peephole) inputs.Add(new($"weight_peephole_l{l}", Uniform(rng, 3 * hidden, -0.6, 0.6), [3, hidden]));
        }
        return [.. inputs];
    }

    protected override double[] ReferenceForward(double[][] x)
    {
        int state = layers * b * hidden;
        var y = new double[t * b * hidden];
        var hN = new double[state];
        var cN = new double[state];
        Reference.LstmForward(t, b, inputSize, hidden, layers, peephole, x[0], x[1], x[2], x[3..], y, hN, cN, Masks());
        return [.. y, .. hN, .. cN];
    }

    private List<double[]>? Masks()
    {
        if (dropout == 0f) return null;
        ulong seed = Lstm.DropoutSeed(LayerSeed);
        int n = t * b * hidden;
        double scale = 1f / (1f - dropout);
        var masks = new List<double[]>();
        for (int l = 1; l < layers; l++)
        {
            var m = new double[n];
            for (int i = 0; i < n; i++) m[i] = CounterRng.Uniform(seed, (ulong)((l - 1) * n + i)) < dropout ? 0 : scale;
            masks.Add(m);
        }
        return masks;
    }

    protected override (float[] Output, float[]?[] Gradients) Analytic(Backend backend, float[][] x, float[] dOut) =>
        WithTensors(backend, s =>
        {
            using var lstm = new Lstm(backend, inputSize, hidden, layers, peephole, dropout, LayerSeed);
            for (int p = 0; p < lstm.Parameters.Count; p++) lstm.Parameters[p].Value.CopyFrom(x[3 + p]);
            int ny = t * b * hidden, ns = layers * b * hidden;
            var xs = s.Of(x[0], t, b, inputSize);
            var h0 = s.Of(x[1], layers, b, hidden);
            var c0 = s.Of(x[2], layers, b, hidden);
            var y = s.Zeros(t, b, hidden);
            var hN = s.Zeros(layers, b, hidden);
            var cN = s.Zeros(layers, b, hidden);
            lstm.Forward(xs, h0, c0, y, hN, cN, training: true);

            var dy = s.Of(dOut[..ny], t, b, hidden);
            var dhN = s.Of(dOut[ny..(ny + ns)], layers, b, hidden);
            var dcN = s.Of(dOut[(ny + ns)..], layers, b, hidden);
            var dx = s.Zeros(t, b, inputSize);
            var dh0 = s.Zeros(layers, b, hidden);
            var dc0 = s.Zeros(layers, b, hidden);
            lstm.Backward(dy, dhN, dcN, dx, dh0, dc0);

            var grads = new List<float[]?> { dx.ToArray(), dh0.ToArray(), dc0.ToArray() };
            foreach (var p in lstm.Parameters) grads.Add(p.Grad.ToArray());
            return ((float[])[.. y.ToArray(), .. hN.ToArray(), .. cN.ToArray()], grads.ToArray());
        });
}
