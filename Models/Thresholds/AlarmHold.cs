namespace RnnEngine.Models.Thresholds;

/// <summary>
/// The row decisions from scores: a row is anomalous when its score is above the threshold, or when a row at most
/// <see cref="Gap"/> rows before it was above. Exceedances closer than the gap so form one event (one alarm for an
/// operator, one event for event-level metrics), decided causally: a stream gets the same flags as a whole file.
/// Gap 0 is the plain "score above threshold".
/// </summary>
public sealed class AlarmHold(double threshold, int gap)
{
    private long sinceAbove = long.MaxValue / 2;

    public double Threshold { get; } = threshold;
    public int Gap { get; } = Math.Max(0, gap);

    /// <summary>The decision for the next row (NaN: a row without a score, never anomalous, but it counts toward the gap).</summary>
    public bool Next(double score) => Next(score > Threshold, !double.IsNaN(score));

    /// <summary>The decision for the next row given whether its own rule called it anomalous (<paramref name="above"/>).</summary>
    public bool Next(bool above, bool hasScore)
    {
        if (above)
        {
            sinceAbove = 0;
            return true;
        }
        sinceAbove++;
        return hasScore && sinceAbove <= Gap;
    }

    /// <summary>The state a stream carries between rows (a worker that takes over a sensor continues from it).</summary>
    public void Save(BinaryWriter w) => w.Write(sinceAbove);

    public void Load(BinaryReader r) => sinceAbove = r.ReadInt64();

    public static bool[] Apply(ReadOnlySpan<double> scores, double threshold, int gap)
    {
        var hold = new AlarmHold(threshold, gap);
        var flags = new bool[scores.Length];
        for (int i = 0; i < scores.Length; i++) flags[i] = hold.Next(scores[i]);
        return flags;
    }
}
