using RnnEngine.Engine;
using RnnEngine.Engine.Layers;

namespace RnnEngine.Models.Bench;

/// <summary>
/// Float64 first-loss references of the bench models, built only from the layers' and ops' float64 specs
/// (Engine.Reference): the float32 training loss of the same parameters and data must agree with these.
/// </summary>
public static class BenchReference
{
    public static double[] ToDouble(Parameter p) => Array.ConvertAll(p.Value.ToArray(), v => (double)v);

    public static double[] ToDouble(float[] x) => Array.ConvertAll(x, v => (double)v);

    /// <summary>xr[k] = x[L-1-k] for a time-major [L, B, F] array.</summary>
    public static double[] Reverse(double[] x, int window, int rowLength)
    {
        var r = new double[x.Length];
        for (int k = 0; k < window; k++) Array.Copy(x, (window - 1 - k) * rowLength, r, k * rowLength, rowLength);
        return r;
    }

    /// <summary>
    /// EncDec-AD loss: parameters in the model's order (encoder layers, decoder layers, output weight, output bias;
    /// per recurrent layer W_ih, W_hh, b_ih, b_hh).
    /// </summary>
    public static double RecurrentAeLoss(BenchConfig c, float[] x32, IReadOnlyList<Parameter> parameters)
    {
        int l = c.Window, b = c.Batch, f = c.Features, h = c.Hidden, nl = c.Layers, bh = b * h, bf = b * f;
        var p = parameters.Select(ToDouble).ToArray();
        double[] x = ToDouble(x32), xr = Reverse(x, l, bf);
        double[] decIn = xr[..((l - 1) * bf)];
        var encY = new double[l * bh];
        var hN = new double[nl * bh];
        var cN = new double[nl * bh];
        var decY = new double[(l - 1) * bh];
        var unusedH = new double[nl * bh];
        var unusedC = new double[nl * bh];
        int perNet = 4 * nl;
        if (c.Arch == BenchArch.Lstm)
        {
            Reference.LstmForward(l, b, f, h, nl, false, x, [], [], p[..perNet], encY, hN, cN);
            Reference.LstmForward(l - 1, b, f, h, nl, false, decIn, hN, cN, p[perNet..(2 * perNet)], decY, unusedH, unusedC);
        }
        else
        {
            Reference.Gru(l, b, f, h, nl, x, [], Layers(p, 0, nl), encY, hN);
            Reference.Gru(l - 1, b, f, h, nl, decIn, hN, Layers(p, perNet, nl), decY, unusedH);
        }
        // rows: the encoder's top final state, then the decoder outputs
        var hidden = new double[l * bh];
        Array.Copy(hN, (nl - 1) * bh, hidden, 0, bh);
        Array.Copy(decY, 0, hidden, bh, decY.Length);
        var rec = new double[l * bf];
        Reference.Linear(l * b, h, f, hidden, p[2 * perNet], p[2 * perNet + 1], rec);
        return Reference.MseLoss(rec, xr, []);
    }

    /// <summary>
    /// Per-window EncDec-AD scores [B]: mean over (t, f) of the squared reconstruction error, the decoder teacher-forced
    /// (its inputs x(L) .. x(2)) or free-running (its inputs its own previous reconstructions), step by step.
    /// </summary>
    public static double[] RecurrentAeScores(BenchConfig c, float[] x32, IReadOnlyList<Parameter> parameters, bool teacher)
    {
        int l = c.Window, b = c.Batch, f = c.Features, h = c.Hidden, nl = c.Layers, bh = b * h, bf = b * f, perNet = 4 * nl;
        var p = parameters.Select(ToDouble).ToArray();
        double[] x = ToDouble(x32), xr = Reverse(x, l, bf);
        double[] hState = new double[nl * bh], cState = new double[nl * bh], hNext = new double[nl * bh], cNext = new double[nl * bh];
        var y = new double[l * bh];
        bool lstm = c.Arch == BenchArch.Lstm;
        if (lstm) Reference.LstmForward(l, b, f, h, nl, false, x, [], [], p[..perNet], y, hState, cState);
        else Reference.Gru(l, b, f, h, nl, x, [], Layers(p, 0, nl), y, hState);
        var rec = new double[l * bf];
        double[] top = new double[bh], step = new double[bh];
        for (int k = 0; k < l; k++)
        {
            if (k > 0)
            {
                double[] input = teacher ? xr[((k - 1) * bf)..(k * bf)] : rec[((k - 1) * bf)..(k * bf)];
                if (lstm) Reference.LstmForward(1, b, f, h, nl, false, input, hState, cState, p[perNet..(2 * perNet)], step, hNext, cNext);
                else Reference.Gru(1, b, f, h, nl, input, hState, Layers(p, perNet, nl), step, hNext);
                (hState, hNext) = (hNext, hState);
                (cState, cNext) = (cNext, cState);
            }
            Array.Copy(hState, (nl - 1) * bh, top, 0, bh);
            var recK = new double[bf];
            Reference.Linear(b, h, f, top, p[2 * perNet], p[2 * perNet + 1], recK);
            Array.Copy(recK, 0, rec, k * bf, bf);
        }
        var scores = new double[b];
        for (int k = 0; k < l; k++)
            for (int r = 0; r < b; r++)
                for (int j = 0; j < f; j++)
                {
                    double d = rec[k * bf + r * f + j] - xr[k * bf + r * f + j];
                    scores[r] += d * d / (l * f);
                }
        return scores;
    }

    private static double[][][] Layers(double[][] p, int start, int layers)
    {
        var w = new double[layers][][];
        for (int i = 0; i < layers; i++) w[i] = p[(start + 4 * i)..(start + 4 * i + 4)];
        return w;
    }
}
