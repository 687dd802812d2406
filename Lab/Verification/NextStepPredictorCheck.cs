using RnnEngine.Engine;
using RnnEngine.Engine.Verification;
using RnnEngine.Models.Architectures;

namespace RnnEngine.Models.Verification;

/// <summary>
/// Finite-difference check of one training step of <see cref="NextStepPredictor"/> (seed 002): the output is the MSE
/// loss of the per-step predictions against a fixed target window, differentiated with respect to every parameter of
/// both recurrent layers and the head. Dropout is on (training mode), so the float64 spec rebuilds the model's two
/// masks from CounterRng (same seed, offsets 0 and T*B*H1). Batches are batch-major [B, T, F] as the model takes them.
/// </summary>
public sealed class NextStepPredictorCheck(RecurrentCell cell, int t = 4, int b = 2, int f = 3, int h1 = 4, int h2 = 3, float dropout = 0.25f) : GradCheck
{
    private const ulong ModelSeed = 7;

    public override string Name => cell == RecurrentCell.Lstm ? "next-step-lstm" : "next-step-gru";

    public override Tolerances.Tol GradientTolerance => Tolerances.RecurrentGradient;

    private int Gates => cell == RecurrentCell.Lstm ? 4 : 3;

    protected override CheckInput[] MakeInputs(Random rng)
    {
        int g = Gates;
        var list = new List<CheckInput>
        {
            new("x", Uniform(rng, b * t * f), [b, t, f], Differentiable: false),
            new("target", Uniform(rng, b * t * f), [b, t, f], Differentiable: false),
        };
        foreach ((string layer, int inSize, int h) in new[] { ("rnn1", f, h1), ("rnn2", h1, h2) })
        {
            list.Add(new($"{layer}.weight_ih", Uniform(rng, g * h * inSize, -0.6, 0.6), [g * h, inSize]));
            list.Add(new($"{layer}.weight_hh", Uniform(rng, g * h * h, -0.6, 0.6), [g * h, h]));
            list.Add(new($"{layer}.bias_ih", Uniform(rng, g * h, -0.5, 0.5), [g * h]));
            list.Add(new($"{layer}.bias_hh", Uniform(rng, g * h, -0.5, 0.5), [g * h]));
        }
        list.Add(new("head.weight", Uniform(rng, f * h2, -0.6, 0.6), [f, h2]));
        list.Add(new("head.bias", Uniform(rng, f, -0.5, 0.5), [f]));
        return [.. list];
    }

    protected override double[] ReferenceForward(double[][] x)
    {
        // batch-major [B, T, F] -> time-major [T, B, F]
        var xs = new double[t * b * f];
        for (int bi = 0; bi < b; bi++)
            for (int s = 0; s < t; s++)
                for (int k = 0; k < f; k++) xs[(s * b + bi) * f + k] = x[0][(bi * t + s) * f + k];
        ulong seed = NextStepPredictor.DropoutSeedFor(ModelSeed);
        double[] y1 = Layer(xs, f, h1, x[2..6]);
        double[] y1d = Drop(y1, seed, 0);
        double[] y2 = Layer(y1d, h1, h2, x[6..10]);
        double[] y2d = Drop(y2, seed, (ulong)y1.Length);
        var pred = new double[t * b * f];
        Reference.Linear(t * b, h2, f, y2d, x[10], x[11], pred);
        double sum = 0;
        for (int s = 0; s < t; s++)
            for (int bi = 0; bi < b; bi++)
                for (int k = 0; k < f; k++)
                {
                    double d = pred[(s * b + bi) * f + k] - x[1][(bi * t + s) * f + k];
                    sum += d * d;
                }
        return [sum / pred.Length];
    }

    private double[] Layer(double[] input, int inSize, int h, double[][] weights)
    {
        var y = new double[t * b * h];
        var hN = new double[b * h];
        if (cell == RecurrentCell.Lstm)
            Reference.LstmForward(t, b, inSize, h, 1, false, input, [], [], weights, y, hN, new double[b * h]);
        else
            Reference.Gru(t, b, inSize, h, 1, input, [], [weights], y, hN);
        return y;
    }

    private double[] Drop(double[] v, ulong seed, ulong offset)
    {
        var y = new double[v.Length];
        Reference.Dropout(v, y, new double[v.Length], dropout, seed, offset);
        return y;
    }

    protected override (float[] Output, float[]?[] Gradients) Analytic(Backend backend, float[][] x, float[] dOut)
    {
        using var model = new NextStepPredictor(backend, cell, t, f, h1, h2, dropout, ModelSeed);
        for (int p = 0; p < model.Parameters.Count; p++)
        {
            model.Parameters[p].Value.CopyFrom(x[2 + p]);
            model.Parameters[p].ZeroGrad();
        }
        float loss = model.TrainStep(x[0], x[1], b);
        var grads = new float[]?[x.Length];
        for (int p = 0; p < model.Parameters.Count; p++)
        {
            float[] g = model.Parameters[p].Grad.ToArray();
            for (int i = 0; i < g.Length; i++) g[i] *= dOut[0];
            grads[2 + p] = g;
        }
        return ([loss], grads);
    }
}
