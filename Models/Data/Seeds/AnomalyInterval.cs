namespace RnnEngine.Models.Data.Seeds;

/// <summary>
/// A labelled stretch of rows or events, [Start, End) with End exclusive, and what kind of anomaly it is. The
/// generators return these next to the per-row labels so a test or a report can name each injected fault.
/// </summary>
public readonly record struct AnomalyInterval(int Start, int End, string Kind)
{
    public int Length => End - Start;

    public bool Contains(int row) => row >= Start && row < End;

    /// <summary>Per-row flags for <paramref name="length"/> rows: true inside any interval.</summary>
    public static bool[] Expand(IEnumerable<AnomalyInterval> intervals, int length)
    {
        var labels = new bool[length];
        foreach (AnomalyInterval iv in intervals)
        {
            if (iv.Start < 0 || iv.End > length || iv.Start > iv.End)
                throw new ArgumentOutOfRangeException(nameof(intervals), $"interval [{iv.Start}, {iv.End}) outside {length} rows");
            labels.AsSpan(iv.Start, iv.Length).Fill(true);
        }
        return labels;
    }

    /// <summary>The maximal runs of true flags, each as one interval of the given kind.</summary>
    public static List<AnomalyInterval> Runs(ReadOnlySpan<bool> labels, string kind)
    {
        var runs = new List<AnomalyInterval>();
        int t = 0;
        while (t < labels.Length)
        {
            if (!labels[t]) { t++; continue; }
            int start = t;
            while (t < labels.Length && labels[t]) t++;
            runs.Add(new AnomalyInterval(start, t, kind));
        }
        return runs;
    }
}
