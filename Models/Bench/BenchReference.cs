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

    private static double[][][] Layers(double[][] p, int start, int layers)
    {
        var w = new double[layers][][];
        for (int i = 0; i < layers; i++) w[i] = p[(start + 4 * i)..(start + 4 * i + 4)];
        return w;
    }
}
