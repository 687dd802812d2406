using RnnEngine.Engine.Verification;

namespace RnnEngine.Engine;

/// <summary>
/// The fused EncDec-AD score against its float64 spec (forward only: scoring has no backward, so no input is
/// differentiated). Two layers per stack and B = 11 (with the 8-row tiles of the kernels: two groups, the second partial).
/// </summary>
public sealed class EncDecScoreCheck(bool gru, bool teacher, int t = 4, int b = 11, int f = 2, int h = 4, int layers = 2) : GradCheck
{
    public override string Name => $"encdec-score-{(gru ? "gru" : "lstm")}-{(teacher ? "teacher" : "free")}";

    private int G => (gru ? 3 : 4) * h;

    protected override CheckInput[] MakeInputs(Random rng)
    {
        var inputs = new List<CheckInput> { new("x", Uniform(rng, t * b * f), [t, b, f], Differentiable: false) };
        foreach (string stack in new[] { "encoder", "decoder" })
            for (int l = 0; l < layers; l++)
            {
                int fl = l == 0 ? f : h;
                inputs.Add(new($"{stack}.weight_ih_l{l}", Uniform(rng, G * fl, -0.6, 0.6), [G, fl], Differentiable: false));
                inputs.Add(new($"{stack}.weight_hh_l{l}", Uniform(rng, G * h, -0.6, 0.6), [G, h], Differentiable: false));
                inputs.Add(new($"{stack}.bias_ih_l{l}", Uniform(rng, G, -0.5, 0.5), [G], Differentiable: false));
                inputs.Add(new($"{stack}.bias_hh_l{l}", Uniform(rng, G, -0.5, 0.5), [G], Differentiable: false));
            }
        inputs.Add(new("output.weight", Uniform(rng, f * h, -0.6, 0.6), [f, h], Differentiable: false));
        inputs.Add(new("output.bias", Uniform(rng, f, -0.5, 0.5), [f], Differentiable: false));
        return [.. inputs];
    }

    protected override double[] ReferenceForward(double[][] x)
    {
        double[][][] Stack(int s) => Enumerable.Range(0, layers).Select(l => x.Skip(1 + (s * layers + l) * 4).Take(4).ToArray()).ToArray();
        var scores = new double[b];
        int o = 1 + 8 * layers;
        Reference.EncDecScore(gru, t, b, f, h, x[0], Stack(0), Stack(1), x[o], x[o + 1], teacher, scores);
        return scores;
    }

    protected override (float[] Output, float[]?[] Gradients) Analytic(Backend backend, float[][] x, float[] dOut) =>
        WithTensors(backend, s =>
        {
            RecurrentStack Stack(int st) => new(gru, f, h, Enumerable.Range(0, layers).Select(l =>
            {
                int i = 1 + (st * layers + l) * 4, fl = l == 0 ? f : h;
                return new RecurrentLayer(s.Of(x[i], G, fl), s.Of(x[i + 1], G, h), s.Of(x[i + 2], G), s.Of(x[i + 3], G));
            }).ToArray());
            int o = 1 + 8 * layers;
            var scores = s.Zeros(b);
            backend.EncDecScore(Stack(0), Stack(1), s.Of(x[o], f, h), s.Of(x[o + 1], f), s.Of(x[0], t, b, f), teacher, scores);
            return (scores.ToArray(), new float[]?[x.Length]);
        });
}
