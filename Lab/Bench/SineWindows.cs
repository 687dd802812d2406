using RnnEngine.Engine.Rng;

namespace RnnEngine.Models.Bench;

/// <summary>
/// The peer's synthetic data: per window and feature a sine with frequency U(0.02, 0.32) and phase U(0, 6.28), plus
/// 0.05 N(0, 1) noise, x[b, t, f] = sin(t * freq + phase) + noise. Drawn from CounterRng (the peer uses torch's RNG, so
/// the values differ; only the distribution matters for timing). Written time-major [L, B, F] as the layers read it.
/// </summary>
public static class SineWindows
{
    public static float[] Batch(int window, int batch, int features, ulong seed, int index)
    {
        var x = new float[window * batch * features];
        // One counter range per batch index: the batches of one seed never share draws.
        ulong baseCounter = (ulong)index << 40;
        for (int b = 0; b < batch; b++)
        for (int f = 0; f < features; f++)
        {
            ulong k = baseCounter + (ulong)(b * features + f) * (ulong)(2 + 2 * window);
            double freq = CounterRng.Uniform(seed, k) * 0.3 + 0.02;
            double phase = CounterRng.Uniform(seed, k + 1) * 6.28;
            for (int t = 0; t < window; t++)
            {
                // Box-Muller: 1 - u keeps the logarithm finite.
                double u1 = 1.0 - CounterRng.Uniform(seed, k + 2 + 2 * (ulong)t);
                double u2 = CounterRng.Uniform(seed, k + 3 + 2 * (ulong)t);
                double noise = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
                x[(t * batch + b) * features + f] = (float)(Math.Sin(t * freq + phase) + 0.05 * noise);
            }
        }
        return x;
    }
}
