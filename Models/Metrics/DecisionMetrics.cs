using System.Text.Json.Nodes;

namespace RnnEngine.Models.Metrics;

/// <summary>Every metric of one set of 0/1 decisions against labels: point-wise, PA, PA%K, event-wise and delay.</summary>
public sealed record DecisionMetrics(ConfusionMatrix Point, ConfusionMatrix PointAdjusted, PaKCurve PaK, EventMetrics Events, DetectionDelay Delay)
{
    public static DecisionMetrics Compute(IReadOnlyList<bool> labels, IReadOnlyList<bool> predicted, IReadOnlyList<long>? index = null) => new(
        ConfusionMatrix.From(predicted, labels),
        PointAdjustment.Confusion(labels, predicted, 0, index),
        PointAdjustment.Curve(labels, predicted, index),
        EventMetrics.Compute(labels, predicted, index),
        DetectionDelay.Compute(labels, predicted, index));

    /// <summary>Adds one object per family: point, point_adjusted, pa_k, event, delay.</summary>
    public void AddTo(JsonObject o)
    {
        o["point"] = Counts(Point);
        o["point_adjusted"] = Counts(PointAdjusted);
        var curve = new JsonArray();
        foreach (double f in PaK.F1ByK) curve.Add(MetricsJson.Num(f));
        o["pa_k"] = new JsonObject
        {
            ["f1_auc"] = MetricsJson.Num(PaK.Auc),
            ["f1_at_k20"] = MetricsJson.Num(PaK.F1ByK[20]),
            ["f1_at_k50"] = MetricsJson.Num(PaK.F1ByK[50]),
            ["f1_by_k"] = curve,
        };
        o["event"] = new JsonObject
        {
            ["precision"] = MetricsJson.Num(Events.Precision),
            ["recall"] = MetricsJson.Num(Events.Recall),
            ["f1"] = MetricsJson.Num(Events.F1),
            ["predicted_events"] = Events.PredictedEvents,
            ["events_on_target"] = Events.EventsOnTarget,
            ["true_segments"] = Events.TrueSegments,
            ["segments_hit"] = Events.SegmentsHit,
        };
        o["delay"] = new JsonObject
        {
            ["segments"] = Delay.Segments,
            ["detected"] = Delay.Detected,
            ["fraction_detected"] = MetricsJson.Num(Delay.FractionDetected),
            ["mean"] = MetricsJson.Num(Delay.Mean),
            ["median"] = MetricsJson.Num(Delay.Median),
        };
    }

    public static JsonObject Counts(ConfusionMatrix c) => new()
    {
        ["precision"] = MetricsJson.Num(c.Precision),
        ["recall"] = MetricsJson.Num(c.Recall),
        ["f1"] = MetricsJson.Num(c.F1),
        ["tp"] = c.TruePositives,
        ["fp"] = c.FalsePositives,
        ["tn"] = c.TrueNegatives,
        ["fn"] = c.FalseNegatives,
    };
}
