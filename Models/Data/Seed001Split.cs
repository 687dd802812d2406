using RnnEngine.Engine.Rng;

namespace RnnEngine.Models.Data;

/// <summary>
/// Seed 001's initialisation split, as window indices. Normal windows, in tenths (k = nNormal / 10, integer):
/// sN = first 5k (training), vN1 = next 3k (error model), vN2 = next k (threshold), tN = the rest (early stopping;
/// it takes the remainder, as the seed's slicing does). Anomalous windows: vA = first nA / 2 (threshold),
/// tA = the rest (test). The seed put a single anomalous window into BOTH vA and tA (tuning on the test window);
/// here it goes to tA only and vA stays empty, so the threshold falls back to 2 x max normal score.
/// The seed splits in time order; with a shuffle seed the windows of each class are permuted first (Fisher-Yates
/// driven by <see cref="CounterRng"/>), so one seed gives one split.
/// </summary>
public sealed record Seed001Split(int[] SN, int[] VN1, int[] VN2, int[] TN, int[] VA, int[] TA)
{
    public static Seed001Split Make(IReadOnlyList<bool> windowIsAnomalous, ulong? shuffleSeed = null)
    {
        var normal = new List<int>();
        var anomalous = new List<int>();
        for (int w = 0; w < windowIsAnomalous.Count; w++) (windowIsAnomalous[w] ? anomalous : normal).Add(w);
        int[] n = normal.ToArray(), a = anomalous.ToArray();
        if (shuffleSeed is ulong seed)
        {
            Shuffle(n, seed, 0);
            Shuffle(a, seed, 1);
        }
        int k = n.Length / 10;
        if (k == 0) throw new ArgumentException($"seed 001's split needs at least 10 normal windows, got {n.Length}");
        int half = a.Length / 2;
        return new Seed001Split(n[..(5 * k)], n[(5 * k)..(8 * k)], n[(8 * k)..(9 * k)], n[(9 * k)..], a[..half], a[half..]);
    }

    private static void Shuffle(int[] items, ulong seed, ulong stream)
    {
        // Counters are (stream, i) packed so the two classes draw independent numbers from one seed.
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = (int)(CounterRng.Hash(seed, (stream << 32) | (uint)i) % (ulong)(i + 1));
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
