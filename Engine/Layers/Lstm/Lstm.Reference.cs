namespace RnnEngine.Engine;

public static partial class Reference
{
    /// <summary>
    /// Float64 spec of the whole multi-layer LSTM (see RnnEngine.Engine.Layers.Lstm for the formulation), step by step
    /// with plain loops. x [T,B,F]; h0, c0 [L,B,H] (empty = zeros); parameters in the layer's order: per layer
    /// weight_ih [4H,F_l], weight_hh [4H,H], bias_ih [4H], bias_hh [4H], then weight_peephole [3,H] when peephole.
    /// Writes y [T,B,H] (last layer) and hN, cN [L,B,H]. inputMasks[l-1] [T*B*H], when given, multiplies the input of
    /// layer l >= 1 (dropout between layers with a known mask).
    /// </summary>
    public static void LstmForward(int t, int b, int inputSize, int hidden, int layers, bool peephole, ReadOnlySpan<double> x,
        ReadOnlySpan<double> h0, ReadOnlySpan<double> c0, IReadOnlyList<double[]> parameters, Span<double> y,
        Span<double> hN, Span<double> cN, IReadOnlyList<double[]>? inputMasks = null)
    {
        int g = 4 * hidden, bh = b * hidden, perLayer = peephole ? 5 : 4;
        double[] input = x.ToArray();
        double[] output = new double[t * bh];
        double[] gates = new double[b * g], act = new double[b * g];
        for (int l = 0; l < layers; l++)
        {
            int f = l == 0 ? inputSize : hidden;
            if (l > 0 && inputMasks is not null)
                for (int i = 0; i < input.Length; i++) input[i] *= inputMasks[l - 1][i];
            double[] wih = parameters[l * perLayer], whh = parameters[l * perLayer + 1];
            double[] bih = parameters[l * perLayer + 2], bhh = parameters[l * perLayer + 3];
            ReadOnlySpan<double> peep = peephole ? parameters[l * perLayer + 4] : [];
            double[] h = h0.IsEmpty ? new double[bh] : h0.Slice(l * bh, bh).ToArray();
            double[] c = c0.IsEmpty ? new double[bh] : c0.Slice(l * bh, bh).ToArray();
            double[] hNext = new double[bh], cNext = new double[bh];
            for (int s = 0; s < t; s++)
            {
                for (int r = 0; r < b; r++)
                for (int k = 0; k < g; k++) gates[r * g + k] = bih[k] + bhh[k];
                Gemm(false, true, b, g, f, 1, input.AsSpan(s * b * f, b * f), wih, 1, gates);
                Gemm(false, true, b, g, hidden, 1, h, whh, 1, gates);
                LstmCellForward(b, hidden, gates, c, peep, hNext, cNext, act);
                (h, hNext) = (hNext, h);
                (c, cNext) = (cNext, c);
                h.CopyTo(output, s * bh);
            }
            h.CopyTo(hN.Slice(l * bh, bh));
            c.CopyTo(cN.Slice(l * bh, bh));
            input = (double[])output.Clone();
        }
        output.CopyTo(y);
    }
}
