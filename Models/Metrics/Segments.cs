namespace RnnEngine.Models.Metrics;

/// <summary>A maximal run of flagged points, as positions [Start, End) in an evaluated sequence.</summary>
public readonly record struct Segment(int Start, int End)
{
    public int Length => End - Start;
}

/// <summary>
/// Runs of true values: the labelled anomaly segments (from labels) and the predicted events (from decisions) that
/// the segment-aware metrics work on. Positions are indices into the evaluated arrays. When the rows' original
/// <c>index</c> values are given, a jump in them (a row missing from the scores file) ends a run, so two labelled
/// stretches separated by unscored rows are not merged into one segment.
/// </summary>
public static class Segments
{
    public static Segment[] Find(IReadOnlyList<bool> flags, IReadOnlyList<long>? index = null)
    {
        if (index is not null && index.Count != flags.Count)
            throw new ArgumentException($"{index.Count} indices for {flags.Count} flags");
        var runs = new List<Segment>();
        int start = -1;
        for (int i = 0; i < flags.Count; i++)
        {
            bool broken = start >= 0 && index is not null && index[i] != index[i - 1] + 1;
            if (broken) { runs.Add(new Segment(start, i)); start = -1; }
            if (flags[i]) { if (start < 0) start = i; }
            else if (start >= 0) { runs.Add(new Segment(start, i)); start = -1; }
        }
        if (start >= 0) runs.Add(new Segment(start, flags.Count));
        return [.. runs];
    }

    /// <summary>Flagged points inside each segment.</summary>
    public static int[] FlaggedCounts(IReadOnlyList<Segment> segments, IReadOnlyList<bool> predicted)
    {
        var counts = new int[segments.Count];
        for (int s = 0; s < segments.Count; s++)
            for (int i = segments[s].Start; i < segments[s].End; i++)
                if (predicted[i]) counts[s]++;
        return counts;
    }
}
