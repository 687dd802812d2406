namespace RnnEngine.Engine;

public static partial class Reference
{
    /// <summary>
    /// One LSTM step, pointwise part (see Backend.LstmCellForward). gates/act [B,4H] in order i, f, g, o; cPrev, h, c
    /// [B,H]; peephole [3,H] (rows w_ci, w_cf, w_co) or empty for none.
    /// </summary>
    public static void LstmCellForward(int b, int hidden, ReadOnlySpan<double> gates, ReadOnlySpan<double> cPrev,
        ReadOnlySpan<double> peephole, Span<double> h, Span<double> c, Span<double> act)
    {
        bool peep = !peephole.IsEmpty;
        for (int r = 0; r < b; r++)
        for (int j = 0; j < hidden; j++)
        {
            int g0 = r * 4 * hidden + j, k = r * hidden + j;
            double cp = cPrev[k];
            double i = Sigmoid(gates[g0] + (peep ? peephole[j] * cp : 0));
            double f = Sigmoid(gates[g0 + hidden] + (peep ? peephole[hidden + j] * cp : 0));
            double g = Math.Tanh(gates[g0 + 2 * hidden]);
            double cn = f * cp + i * g;
            double o = Sigmoid(gates[g0 + 3 * hidden] + (peep ? peephole[2 * hidden + j] * cn : 0));
            act[g0] = i; act[g0 + hidden] = f; act[g0 + 2 * hidden] = g; act[g0 + 3 * hidden] = o;
            c[k] = cn;
            h[k] = o * Math.Tanh(cn);
        }
    }

    /// <summary>
    /// Backward of <see cref="LstmCellForward"/>: dh (+ dhExtra when not empty) into h, dcNext (empty = 0) into c.
    /// Writes dGates (pre-activation) and dcPrev; accumulates dPeephole when peephole is not empty.
    /// </summary>
    public static void LstmCellBackward(int b, int hidden, ReadOnlySpan<double> act, ReadOnlySpan<double> cPrev,
        ReadOnlySpan<double> c, ReadOnlySpan<double> peephole, ReadOnlySpan<double> dh, ReadOnlySpan<double> dhExtra,
        ReadOnlySpan<double> dcNext, Span<double> dGates, Span<double> dcPrev, Span<double> dPeephole)
    {
        bool peep = !peephole.IsEmpty;
        for (int r = 0; r < b; r++)
        for (int j = 0; j < hidden; j++)
        {
            int g0 = r * 4 * hidden + j, k = r * hidden + j;
            double i = act[g0], f = act[g0 + hidden], g = act[g0 + 2 * hidden], o = act[g0 + 3 * hidden];
            double dhv = dh[k] + (dhExtra.IsEmpty ? 0 : dhExtra[k]);
            double tc = Math.Tanh(c[k]);
            double dao = dhv * tc * o * (1 - o);
            double dc = (dcNext.IsEmpty ? 0 : dcNext[k]) + dhv * o * (1 - tc * tc) + (peep ? dao * peephole[2 * hidden + j] : 0);
            double dai = dc * g * i * (1 - i);
            double daf = dc * cPrev[k] * f * (1 - f);
            double dag = dc * i * (1 - g * g);
            dGates[g0] = dai; dGates[g0 + hidden] = daf; dGates[g0 + 2 * hidden] = dag; dGates[g0 + 3 * hidden] = dao;
            dcPrev[k] = dc * f + (peep ? dai * peephole[j] + daf * peephole[hidden + j] : 0);
            if (peep)
            {
                dPeephole[j] += dai * cPrev[k];
                dPeephole[hidden + j] += daf * cPrev[k];
                dPeephole[2 * hidden + j] += dao * c[k];
            }
        }
    }
}
