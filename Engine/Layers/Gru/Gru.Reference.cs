namespace RnnEngine.Engine;

public static partial class Reference
{
    /// <summary>
    /// Float64 spec of a stacked GRU (PyTorch formulation, see Layers/Gru/Gru.cs). x [T, B, F]; h0 [L, B, H] or empty for
    /// zeros; weights[l] = { W_ih [3H, F_l], W_hh [3H, H], b_ih [3H], b_hh [3H] }; writes y [T, B, H] and hN [L, B, H].
    /// </summary>
    public static void Gru(int t, int b, int f, int h, int layers, ReadOnlySpan<double> x, ReadOnlySpan<double> h0,
        double[][][] weights, Span<double> y, Span<double> hN)
    {
        double[] input = x.ToArray();
        int inSize = f;
        var output = new double[t * b * h];
        for (int l = 0; l < layers; l++)
        {
            double[] wih = weights[l][0], whh = weights[l][1], bih = weights[l][2], bhh = weights[l][3];
            var state = new double[b * h];
            if (!h0.IsEmpty) h0.Slice(l * b * h, b * h).CopyTo(state);
            var next = new double[b * h];
            for (int s = 0; s < t; s++)
            {
                for (int i = 0; i < b; i++)
                for (int j = 0; j < h; j++)
                {
                    double[] a = new double[3], r3 = new double[3];
                    for (int g = 0; g < 3; g++)
                    {
                        int row = g * h + j;
                        double ai = bih[row], ar = bhh[row];
                        for (int k = 0; k < inSize; k++) ai += wih[row * inSize + k] * input[(s * b + i) * inSize + k];
                        for (int k = 0; k < h; k++) ar += whh[row * h + k] * state[i * h + k];
                        a[g] = ai;
                        r3[g] = ar;
                    }
                    double r = Sigmoid(a[0] + r3[0]);
                    double z = Sigmoid(a[1] + r3[1]);
                    double n = Math.Tanh(a[2] + r * r3[2]);
                    next[i * h + j] = (1 - z) * n + z * state[i * h + j];
                }
                (state, next) = (next, state);
                Array.Copy(state, 0, output, s * b * h, b * h);
            }
            state.CopyTo(hN.Slice(l * b * h, b * h));
            input = (double[])output.Clone();
            inSize = h;
        }
        output.CopyTo(y);
    }
}
