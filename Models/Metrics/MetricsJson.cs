using System.Text.Json.Nodes;

namespace RnnEngine.Models.Metrics;

internal static class MetricsJson
{
    /// <summary>Six decimals, like the flat keys of the report; NaN (an undefined metric) prints as null.</summary>
    public static JsonNode? Num(double v) => double.IsFinite(v) ? JsonValue.Create(Math.Round(v, 6)) : null;
}
