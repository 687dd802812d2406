namespace RnnEngine.Engine.Rng;

/// <summary>
/// A counter-based random generator: the value for (seed, counter) is a pure function (SplitMix64's finaliser over
/// the two words), so the cpu path and an ILGPU kernel that evaluate the same (seed, index) get the same number, with
/// no state to carry between threads or devices. Usable inside kernels (integer ops only).
/// </summary>
public static class CounterRng
{
    public static ulong Hash(ulong seed, ulong counter)
    {
        ulong z = seed * 0x9E3779B97F4A7C15UL + counter + 0x632BE59BD9B4E019UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform float in [0, 1) from the top 24 bits, exactly representable on every backend.</summary>
    public static float Uniform(ulong seed, ulong counter) => (Hash(seed, counter) >> 40) * (1.0f / 16777216.0f);

    /// <summary>Uniform double in [lo, hi): parameter initialisation on the host.</summary>
    public static double Uniform(ulong seed, ulong counter, double lo, double hi) =>
        lo + (hi - lo) * ((Hash(seed, counter) >> 11) * (1.0 / 9007199254740992.0));
}
