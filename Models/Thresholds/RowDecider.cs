namespace RnnEngine.Models.Thresholds;

/// <summary>
/// The row-by-row decision of a detector: its fixed threshold, or telemanom's dynamic threshold, then the event gap
/// (<see cref="AlarmHold"/>). One object per scored stream, so its state can be saved and a stream continued elsewhere.
/// </summary>
public sealed class RowDecider
{
    private readonly AlarmHold hold;
    private readonly DynamicThreshold? dynamic;

    public RowDecider(double threshold, int eventGap, bool dynamicThreshold)
    {
        hold = new AlarmHold(threshold, eventGap);
        dynamic = dynamicThreshold ? new DynamicThreshold() : null;
    }

    /// <summary>The decision for the next row, given its score (NaN for a row without one); call once per row.</summary>
    public bool Next(double score) => dynamic is null ? hold.Next(score) : hold.Next(dynamic.Next(score), !double.IsNaN(score));

    public void Save(BinaryWriter w)
    {
        hold.Save(w);
        dynamic?.Save(w);
    }

    public void Load(BinaryReader r)
    {
        hold.Load(r);
        dynamic?.Load(r);
    }
}
