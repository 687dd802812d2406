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
        foreach (double f in PaK.F1ByK) curve.Add(Json.Num(f));
        o["pa_k"] = new JsonObject
        {
            ["f1_auc"] = Json.Num(PaK.Auc),
            ["f1_at_k20"] = Json.Num(PaK.F1ByK[20]),
            ["f1_at_k50"] = Json.Num(PaK.F1ByK[50]),
            ["f1_by_k"] = curve,
        };
        o["event"] = new JsonObject
        {
            ["precision"] = Json.Num(Events.Precision),
            ["recall"] = Json.Num(Events.Recall),
            ["f1"] = Json.Num(Events.F1),
            ["predicted_events"] = Events.PredictedEvents,
            ["events_on_target"] = Events.EventsOnTarget,
            ["true_segments"] = Events.TrueSegments,
            ["segments_hit"] = Events.SegmentsHit,
        };
        o["delay"] = new JsonObject
        {
            ["segments"] = Delay.Segments,
            ["detected"] = Delay.Detected,
            ["fraction_detected"] = Json.Num(Delay.FractionDetected),
            ["mean"] = Json.Num(Delay.Mean),
            ["median"] = Json.Num(Delay.Median),
        };
    }

    public static JsonObject Counts(ConfusionMatrix c) => new()
    {
        ["precision"] = Json.Num(c.Precision),
        ["recall"] = Json.Num(c.Recall),
        ["f1"] = Json.Num(c.F1),
        ["tp"] = c.TruePositives,
        ["fp"] = c.FalsePositives,
        ["tn"] = c.TrueNegatives,
        ["fn"] = c.FalseNegatives,
    };
}

internal static class Json
{
    /// <summary>Six decimals, like the rest of the report; NaN (an undefined metric) prints as null.</summary>
    public static JsonNode? Num(double v) => double.IsFinite(v) ? JsonValue.Create(Math.Round(v, 6)) : null;
}
