namespace RnnEngine.Engine;

public static partial class Reference
{

    /// <summary>Float64 spec of <see cref="Backend.GruCellForward"/>; b rows of h units.</summary>
    public static void GruCellForward(int b, int h, ReadOnlySpan<double> gx, ReadOnlySpan<double> gh, ReadOnlySpan<double> bih,
        ReadOnlySpan<double> bhh, ReadOnlySpan<double> hPrev, Span<double> hNext, Span<double> gates)
    {
        for (int i = 0; i < b; i++)
        for (int j = 0; j < h; j++)
        {
            int g = i * 3 * h;
            double r = Sigmoid(gx[g + j] + bih[j] + gh[g + j] + bhh[j]);
            double z = Sigmoid(gx[g + h + j] + bih[h + j] + gh[g + h + j] + bhh[h + j]);
            double hn = gh[g + 2 * h + j] + bhh[2 * h + j];
            double n = Math.Tanh(gx[g + 2 * h + j] + bih[2 * h + j] + r * hn);
            int s = i * 4 * h;
            gates[s + j] = r;
            gates[s + h + j] = z;
            gates[s + 2 * h + j] = n;
            gates[s + 3 * h + j] = hn;
            hNext[i * h + j] = (1 - z) * n + z * hPrev[i * h + j];
        }
    }

    /// <summary>Float64 spec of <see cref="Backend.GruCellBackward"/>.</summary>
    public static void GruCellBackward(int b, int h, ReadOnlySpan<double> dy, Span<double> dh, ReadOnlySpan<double> hPrev,
        ReadOnlySpan<double> gates, Span<double> dgx, Span<double> dgh)
    {
        for (int i = 0; i < b; i++)
        for (int j = 0; j < h; j++)
        {
            int s = i * 4 * h, g = i * 3 * h, k = i * h + j;
            double r = gates[s + j], z = gates[s + h + j], n = gates[s + 2 * h + j], hn = gates[s + 3 * h + j];
            double d = dy[k] + dh[k];
            double dan = d * (1 - z) * (1 - n * n);
            double dar = dan * hn * r * (1 - r);
            double daz = d * (hPrev[k] - n) * z * (1 - z);
            dgx[g + j] = dar; dgx[g + h + j] = daz; dgx[g + 2 * h + j] = dan;
            dgh[g + j] = dar; dgh[g + h + j] = daz; dgh[g + 2 * h + j] = dan * r;
            dh[k] = d * z;
        }
    }
}
