using System.Globalization;
using System.Text.Json.Nodes;

namespace RnnEngine.Models.Metrics;

/// <summary>Everything `rnnengine eval` prints, computed from scores, labels and (optionally) 0/1 predictions.</summary>
/// <remarks><c>Skipped</c> counts rows left out of every metric (warm-up rows without a score).</remarks>
public sealed record MetricsReport(int Count, int Positives, double RocAuc, double PrAuc, ConfusionMatrix? Confusion, int Skipped = 0)
{
    public static MetricsReport Compute(IReadOnlyList<double> scores, IReadOnlyList<bool> labels, IReadOnlyList<bool>? predicted, int skipped = 0)
    {
        int pos = labels.Count(l => l);
        ConfusionMatrix? cm = predicted is null ? null : ConfusionMatrix.From(predicted, labels);
        return new MetricsReport(labels.Count, pos, RankingMetrics.RocAuc(scores, labels), RankingMetrics.AveragePrecision(scores, labels), cm, skipped);
    }

    public string ToJson()
    {
        static JsonNode? Num(double v) => double.IsFinite(v) ? JsonValue.Create(Math.Round(v, 6)) : null;
        var o = new JsonObject
        {
            ["count"] = Count,
            ["skipped"] = Skipped,
            ["positives"] = Positives,
            ["roc_auc"] = Num(RocAuc),
            ["pr_auc"] = Num(PrAuc),
        };
        if (Confusion is ConfusionMatrix c)
        {
            o["precision"] = Num(c.Precision);
            o["recall"] = Num(c.Recall);
            o["f1"] = Num(c.F1);
            o["tp"] = c.TruePositives;
            o["fp"] = c.FalsePositives;
            o["tn"] = c.TrueNegatives;
            o["fn"] = c.FalseNegatives;
        }
        return o.ToJsonString();
    }

    public override string ToString() => ToJson().ToString(CultureInfo.InvariantCulture);
}
