using RnnEngine.Engine.Rng;

namespace RnnEngine.Models.Metrics;

/// <summary>
/// The score every report is compared with: seeded uniform noise, flagged with the same threshold rule as the real
/// score, i.e. the same number of points flagged (its highest ones). Whatever a metric gives this score is what the
/// metric hands out for nothing; a detector must beat it by a clear margin for its figure to mean anything.
/// </summary>
public static class RandomBaseline
{
    public const ulong DefaultSeed = 1;

    /// <summary>Uniform scores in [0, 1), a pure function of (seed, position).</summary>
    public static double[] Scores(int count, ulong seed)
    {
        var s = new double[count];
        for (int i = 0; i < count; i++) s[i] = CounterRng.Uniform(seed, (ulong)i, 0.0, 1.0);
        return s;
    }

    /// <summary>Flags the <paramref name="flagged"/> highest scores (on equal scores the earlier position first).</summary>
    public static bool[] FlagHighest(IReadOnlyList<double> scores, int flagged)
    {
        if (flagged < 0 || flagged > scores.Count) throw new ArgumentOutOfRangeException(nameof(flagged), $"cannot flag {flagged} of {scores.Count} points");
        int[] order = new int[scores.Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        Array.Sort(order, (a, b) => scores[a] != scores[b] ? scores[b].CompareTo(scores[a]) : a.CompareTo(b));
        var predicted = new bool[scores.Count];
        for (int i = 0; i < flagged; i++) predicted[order[i]] = true;
        return predicted;
    }
}
