namespace RnnEngine.Models.Data.Seeds;

/// <summary>
/// One labelled interval of a seed-002 label file: events StartEvent..EndEvent (0-based, END INCLUSIVE: the dataset's
/// plotting code draws [start, end] with both events inside), their timestamps, and the fault class (the dataset's
/// plots name 1 communication, 2 sensor, 3 bit flip, 4 unhandled interrupt).
/// </summary>
public readonly record struct TraceLabel(int StartEvent, int EndEvent, double StartTime, double EndTime, int Class);

/// <summary>
/// A program execution trace (seed 002): event i is variable <see cref="Ids"/>[i] written at
/// <see cref="Timestamps"/>[i]. <see cref="Labels"/> is per event (true inside any labelled interval), expanded from
/// <see cref="Intervals"/>; both are empty/null for an unlabelled (training) trace.
/// </summary>
public sealed class ProgramTrace
{
    public int[] Ids { get; }
    public double[] Timestamps { get; }
    public bool[]? Labels { get; }
    public IReadOnlyList<TraceLabel> Intervals { get; }
    public string Source { get; }

    public ProgramTrace(int[] ids, double[] timestamps, IReadOnlyList<TraceLabel>? intervals = null, string source = "")
    {
        if (ids.Length != timestamps.Length) throw new ArgumentException($"{ids.Length} ids for {timestamps.Length} timestamps");
        Ids = ids;
        Timestamps = timestamps;
        Intervals = intervals ?? [];
        Source = source;
        Labels = intervals is null ? null : ExpandLabels(intervals, ids.Length);
    }

    public int Length => Ids.Length;

    /// <summary>
    /// Per-event labels: event i is anomalous if StartEvent &lt;= i &lt;= EndEvent for some interval. Seed 002 instead
    /// compared its per-event predictions with the interval ROWS one by one (so every "truth" was 1 and only as many
    /// events as intervals were scored); expanding is the meaningful comparison.
    /// </summary>
    public static bool[] ExpandLabels(IReadOnlyList<TraceLabel> intervals, int events)
    {
        var labels = new bool[events];
        foreach (TraceLabel l in intervals)
        {
            if (l.StartEvent < 0 || l.EndEvent < l.StartEvent || l.EndEvent >= events)
                throw new ArgumentOutOfRangeException(nameof(intervals), $"interval events {l.StartEvent}..{l.EndEvent} outside a trace of {events} events");
            labels.AsSpan(l.StartEvent, l.EndEvent - l.StartEvent + 1).Fill(true);
        }
        return labels;
    }
}
