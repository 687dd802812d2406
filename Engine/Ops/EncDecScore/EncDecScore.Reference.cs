namespace RnnEngine.Engine;

public static partial class Reference
{
    /// <summary>
    /// Float64 spec of <see cref="Backend.EncDecScore"/>, step by step over the cell references. x [T, B, F]; enc[l] and
    /// dec[l] = { W_ih [G, F_l], W_hh [G, H], b_ih [G], b_hh [G] } (G = 4H LSTM, 3H GRU); wOut [F, H], bOut [F];
    /// writes scores [B].
    /// </summary>
    public static void EncDecScore(bool gru, int t, int b, int f, int h, double[] x, double[][][] enc, double[][][] dec, double[] wOut,
        double[] bOut, bool teacher, Span<double> scores)
    {
        int nl = enc.Length, bh = b * h;
        var hState = new double[nl][];
        var cState = new double[nl][];
        for (int l = 0; l < nl; l++) { hState[l] = new double[bh]; cState[l] = new double[bh]; }
        var hNext = new double[bh];
        var cNext = new double[bh];
        var a = new double[b * 4 * h];
        var a2 = new double[b * 3 * h];
        var act = new double[b * 4 * h];

        void Step(double[][][] layers, ReadOnlySpan<double> input)
        {
            for (int l = 0; l < nl; l++)
            {
                double[] wih = layers[l][0], whh = layers[l][1], bih = layers[l][2], bhh = layers[l][3];
                int fl = l == 0 ? f : h;
                ReadOnlySpan<double> inL = l == 0 ? input : hState[l - 1];
                if (gru)
                {
                    Gemm(false, true, b, 3 * h, fl, 1, inL, wih, 0, a.AsSpan(0, b * 3 * h));
                    Gemm(false, true, b, 3 * h, h, 1, hState[l], whh, 0, a2);
                    GruCellForward(b, h, a.AsSpan(0, b * 3 * h), a2, bih, bhh, hState[l], hNext, act);
                }
                else
                {
                    for (int r = 0; r < b; r++)
                        for (int j = 0; j < 4 * h; j++) a[r * 4 * h + j] = bih[j] + bhh[j];
                    Gemm(false, true, b, 4 * h, fl, 1, inL, wih, 1, a);
                    Gemm(false, true, b, 4 * h, h, 1, hState[l], whh, 1, a);
                    LstmCellForward(b, h, a, cState[l], [], hNext, cNext, act);
                    cNext.CopyTo(cState[l], 0);
                }
                hNext.CopyTo(hState[l], 0);
            }
        }

        for (int s = 0; s < t; s++) Step(enc, x.AsSpan(s * b * f, b * f));
        var y = new double[b * f];
        var err = new double[b];
        for (int k = 0; k < t; k++)
        {
            if (k > 0) Step(dec, teacher ? x.AsSpan((t - k) * b * f, b * f) : y);
            for (int r = 0; r < b; r++)
                for (int j = 0; j < f; j++) y[r * f + j] = bOut[j];
            Gemm(false, true, b, f, h, 1, hState[nl - 1], wOut, 1, y);
            for (int r = 0; r < b; r++)
                for (int j = 0; j < f; j++)
                {
                    double d = y[r * f + j] - x[((t - 1 - k) * b + r) * f + j];
                    err[r] += d * d;
                }
        }
        for (int r = 0; r < b; r++) scores[r] = err[r] / (t * f);
    }
}
