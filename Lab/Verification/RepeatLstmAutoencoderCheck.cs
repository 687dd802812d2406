using RnnEngine.Engine;
using RnnEngine.Engine.Verification;
using RnnEngine.Models.Architectures;

namespace RnnEngine.Models.Verification;

/// <summary>
/// Finite-difference check of <see cref="RepeatLstmAutoencoder"/>: output = the reconstruction [B, T, F] of a window
/// batch; gradients of every parameter (four LSTMs and, with the linear head, its weight and bias) through the whole
/// encoder - repeat - decoder chain, against a float64 spec built from the LSTM and Linear references.
/// </summary>
public sealed class RepeatLstmAutoencoderCheck(bool linearHead = true, int b = 2, int t = 3, int f = 3, int h = 3, int e = 2) : GradCheck
{
    public override string Name => linearHead ? "repeat-lstm-ae" : "repeat-lstm-ae-nohead";
    public override Tolerances.Tol GradientTolerance => Tolerances.RecurrentGradient;

    private int DecOut => linearHead ? h : f;

    protected override CheckInput[] MakeInputs(Random rng)
    {
        var inputs = new List<CheckInput> { new("x", Uniform(rng, b * t * f), [b, t, f], Differentiable: false) };
        void AddLstm(string role, int input, int hidden)
        {
            inputs.Add(new($"{role}.weight_ih_l0", Uniform(rng, 4 * hidden * input, -0.6, 0.6), [4 * hidden, input]));
            inputs.Add(new($"{role}.weight_hh_l0", Uniform(rng, 4 * hidden * hidden, -0.6, 0.6), [4 * hidden, hidden]));
            inputs.Add(new($"{role}.bias_ih_l0", Uniform(rng, 4 * hidden, -0.6, 0.6), [4 * hidden]));
            inputs.Add(new($"{role}.bias_hh_l0", Uniform(rng, 4 * hidden, -0.6, 0.6), [4 * hidden]));
        }
        AddLstm("encoder1", f, h);
        AddLstm("encoder2", h, e);
        AddLstm("decoder1", e, h);
        AddLstm("decoder2", h, DecOut);
        if (linearHead)
        {
            inputs.Add(new("head.weight", Uniform(rng, f * h), [f, h]));
            inputs.Add(new("head.bias", Uniform(rng, f), [f]));
        }
        return [.. inputs];
    }

    protected override double[] ReferenceForward(double[][] p)
    {
        // batch-major [B,T,F] -> time-major [T,B,F]
        var x = new double[t * b * f];
        for (int r = 0; r < b; r++)
        for (int s = 0; s < t; s++)
            Array.Copy(p[0], (r * t + s) * f, x, (s * b + r) * f, f);
        double[] Run(double[] input, int inputSize, int hidden, int first, out double[] hN)
        {
            var y = new double[t * b * hidden];
            hN = new double[b * hidden];
            var cN = new double[b * hidden];
            Reference.LstmForward(t, b, inputSize, hidden, 1, false, input, [], [], [p[first], p[first + 1], p[first + 2], p[first + 3]], y, hN, cN);
            return y;
        }
        double[] e1 = Run(x, f, h, 1, out _);
        Run(e1, h, e, 5, out double[] emb);
        var rep = new double[t * b * e];
        for (int s = 0; s < t; s++) Array.Copy(emb, 0, rep, s * b * e, b * e);
        double[] d1 = Run(rep, e, h, 9, out _);
        double[] d2 = Run(d1, h, DecOut, 13, out _);
        double[] outTm = d2;
        if (linearHead)
        {
            outTm = new double[t * b * f];
            Reference.Linear(t * b, h, f, d2, p[17], p[18], outTm);
        }
        var result = new double[b * t * f];
        for (int r = 0; r < b; r++)
        for (int s = 0; s < t; s++)
            Array.Copy(outTm, (s * b + r) * f, result, (r * t + s) * f, f);
        return result;
    }

    protected override (float[] Output, float[]?[] Gradients) Analytic(Backend backend, float[][] inputs, float[] dOut)
    {
        using var model = new RepeatLstmAutoencoder(backend, t, f, h, e, linearHead, seed: 7);
        for (int i = 0; i < model.Parameters.Count; i++)
        {
            model.Parameters[i].Value.CopyFrom(inputs[1 + i]);
            backend.Fill(model.Parameters[i].Grad, 0f);
        }
        float[] output = model.ForwardBackward(inputs[0], dOut, b);
        var grads = new List<float[]?> { null };
        grads.AddRange(model.Parameters.Select(q => q.Grad.ToArray()));
        return (output, grads.ToArray());
    }
}
