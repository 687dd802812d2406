namespace RnnEngine.Engine;

public static partial class Reference
{
    /// <summary>
    /// Float64 spec of <see cref="Backend.LstmSequenceForward"/>: per step a_t = b_ih + b_hh + x_t W_ih^T + h_{t-1} W_hh^T,
    /// then <see cref="LstmCellForward"/>. x [T*B, F]; wih [4H, F]; whh [4H, H]; bih, bhh [4H]; peephole [3, H] or empty;
    /// hs, cs [(T+1)*B, H] hold h0, c0 in their first B rows and get h_t, c_t; gates [T*B, 4H] the activated gates.
    /// </summary>
    public static void LstmSequenceForward(int t, int b, int f, int h, ReadOnlySpan<double> x, ReadOnlySpan<double> wih,
        ReadOnlySpan<double> whh, ReadOnlySpan<double> bih, ReadOnlySpan<double> bhh, ReadOnlySpan<double> peephole, Span<double> gates,
        Span<double> hs, Span<double> cs)
    {
        int g = 4 * h, bh = b * h;
        var a = new double[b * g];
        for (int s = 0; s < t; s++)
        {
            for (int r = 0; r < b; r++)
                for (int j = 0; j < g; j++) a[r * g + j] = bih[j] + bhh[j];
            Gemm(false, true, b, g, f, 1, x.Slice(s * b * f, b * f), wih, 1, a);
            Gemm(false, true, b, g, h, 1, hs.Slice(s * bh, bh), whh, 1, a);
            LstmCellForward(b, h, a, cs.Slice(s * bh, bh), peephole, hs.Slice((s + 1) * bh, bh), cs.Slice((s + 1) * bh, bh),
                gates.Slice(s * b * g, b * g));
        }
    }
}
