namespace RnnEngine.Engine;

public static partial class Reference
{
    /// <summary>Float64 spec of <see cref="Backend.AdditiveAttentionForward"/> (mask empty = all steps).</summary>
    public static void AdditiveAttentionForward(int t, int b, int a, int h, ReadOnlySpan<double> keys, ReadOnlySpan<double> query,
        ReadOnlySpan<double> v, ReadOnlySpan<double> mask, ReadOnlySpan<double> values, Span<double> tanh, Span<double> weights,
        Span<double> context)
    {
        for (int i = 0; i < b; i++)
        {
            double max = double.NegativeInfinity;
            for (int s = 0; s < t; s++)
            {
                double e = 0;
                for (int k = 0; k < a; k++)
                {
                    double th = Math.Tanh(keys[(s * b + i) * a + k] + query[i * a + k]);
                    tanh[(s * b + i) * a + k] = th;
                    e += v[k] * th;
                }
                weights[s * b + i] = e;
                if (Kept(mask, s * b + i)) max = Math.Max(max, e);
            }
            double sum = 0;
            for (int s = 0; s < t; s++)
            {
                double w = Kept(mask, s * b + i) ? Math.Exp(weights[s * b + i] - max) : 0;
                weights[s * b + i] = w;
                sum += w;
            }
            for (int s = 0; s < t; s++) weights[s * b + i] = sum > 0 ? weights[s * b + i] / sum : 0;
            for (int j = 0; j < h; j++)
            {
                double c = 0;
                for (int s = 0; s < t; s++) c += weights[s * b + i] * values[(s * b + i) * h + j];
                context[i * h + j] = c;
            }
        }
    }

    private static bool Kept(ReadOnlySpan<double> mask, int index) => mask.IsEmpty || mask[index] != 0;

    /// <summary>Float64 spec of <see cref="Backend.AdditiveAttentionBackward"/> (dKeys and dValues accumulate).</summary>
    public static void AdditiveAttentionBackward(int t, int b, int a, int h, ReadOnlySpan<double> values, ReadOnlySpan<double> weights,
        ReadOnlySpan<double> tanh, ReadOnlySpan<double> v, ReadOnlySpan<double> dContext, Span<double> dScores, Span<double> dQuery,
        Span<double> dKeys, Span<double> dValues)
    {
        for (int i = 0; i < b; i++)
        {
            double dot = 0;
            for (int s = 0; s < t; s++)
            {
                double da = 0;
                for (int j = 0; j < h; j++)
                {
                    da += dContext[i * h + j] * values[(s * b + i) * h + j];
                    dValues[(s * b + i) * h + j] += weights[s * b + i] * dContext[i * h + j];
                }
                dScores[s * b + i] = da;
                dot += weights[s * b + i] * da;
            }
            for (int s = 0; s < t; s++) dScores[s * b + i] = weights[s * b + i] * (dScores[s * b + i] - dot);
            for (int k = 0; k < a; k++)
            {
                double dq = 0;
                for (int s = 0; s < t; s++)
                {
                    double th = tanh[(s * b + i) * a + k];
                    double p = dScores[s * b + i] * v[k] * (1 - th * th);
                    dKeys[(s * b + i) * a + k] += p;
                    dq += p;
                }
                dQuery[i * a + k] = dq;
            }
        }
    }
}
