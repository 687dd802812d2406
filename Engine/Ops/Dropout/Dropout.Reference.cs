using RnnEngine.Engine.Rng;

namespace RnnEngine.Engine;

public static partial class Reference
{
    /// <summary>mask[i] = (u_i &lt; p ? 0 : 1 / (1 - p)) with u_i = CounterRng.Uniform(seed, offset + i); y = x * mask.</summary>
    public static void Dropout(ReadOnlySpan<double> x, Span<double> y, Span<double> mask, double p, ulong seed, ulong offset)
    {
        for (int i = 0; i < x.Length; i++)
        {
            double u = CounterRng.Uniform(seed, offset + (ulong)i);
            mask[i] = u < p ? 0 : 1 / (1 - p);
            y[i] = x[i] * mask[i];
        }
    }
}
