namespace RnnEngine.Models.Metrics;

/// <summary>
/// Event-wise (range) counts: a predicted event is a maximal run of flagged points, a true segment a maximal run of
/// labelled points. Precision is the fraction of predicted events that overlap some true segment, recall the fraction
/// of true segments that some predicted event overlaps (= that contain a flagged point). A ratio over zero events is 0,
/// as in <see cref="ConfusionMatrix"/>.
/// </summary>
public readonly record struct EventMetrics(int PredictedEvents, int EventsOnTarget, int TrueSegments, int SegmentsHit)
{
    public double Precision => PredictedEvents > 0 ? (double)EventsOnTarget / PredictedEvents : 0.0;
    public double Recall => TrueSegments > 0 ? (double)SegmentsHit / TrueSegments : 0.0;
    public double F1 => Precision + Recall > 0 ? 2 * Precision * Recall / (Precision + Recall) : 0.0;

    public static EventMetrics Compute(IReadOnlyList<bool> labels, IReadOnlyList<bool> predicted, IReadOnlyList<long>? index = null)
    {
        if (labels.Count != predicted.Count) throw new ArgumentException($"{predicted.Count} predictions for {labels.Count} labels");
        Segment[] truth = Segments.Find(labels, index);
        Segment[] events = Segments.Find(predicted, index);
        int onTarget = 0;
        foreach (Segment e in events)
            for (int i = e.Start; i < e.End; i++)
                if (labels[i]) { onTarget++; break; }
        int hit = 0;
        foreach (int c in Segments.FlaggedCounts(truth, predicted)) if (c > 0) hit++;
        return new EventMetrics(events.Length, onTarget, truth.Length, hit);
    }
}
