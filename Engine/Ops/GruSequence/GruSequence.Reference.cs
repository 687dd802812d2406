namespace RnnEngine.Engine;

public static partial class Reference
{
    /// <summary>
    /// Float64 spec of <see cref="Backend.GruSequenceForward"/>: per step gx = x_t W_ih^T, gh = h_{t-1} W_hh^T, then
    /// <see cref="GruCellForward"/> (which adds the biases). x [T*B, F]; wih [3H, F]; whh [3H, H]; bih, bhh [3H];
    /// hs [(T+1)*B, H] holds h0 in its first B rows and gets h_t; gates [T*B, 4H] gets r, z, n, W_hn h + b_hn.
    /// </summary>
    public static void GruSequenceForward(int t, int b, int f, int h, ReadOnlySpan<double> x, ReadOnlySpan<double> wih,
        ReadOnlySpan<double> whh, ReadOnlySpan<double> bih, ReadOnlySpan<double> bhh, Span<double> gates, Span<double> hs)
    {
        int g = 3 * h, bh = b * h;
        var gx = new double[b * g];
        var gh = new double[b * g];
        for (int s = 0; s < t; s++)
        {
            Gemm(false, true, b, g, f, 1, x.Slice(s * b * f, b * f), wih, 0, gx);
            Gemm(false, true, b, g, h, 1, hs.Slice(s * bh, bh), whh, 0, gh);
            GruCellForward(b, h, gx, gh, bih, bhh, hs.Slice(s * bh, bh), hs.Slice((s + 1) * bh, bh), gates.Slice(s * b * 4 * h, b * 4 * h));
        }
    }
}
