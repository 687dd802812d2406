using System.Text.Json;
using System.Text.Json.Nodes;

namespace RnnEngine.Models.Data.Scaling;

/// <summary>The scaler as a JSON string for checkpoint metadata: {"kind":..,"shift":[..],"multiplier":[..]}.</summary>
public static class ScalerJson
{
    public static string ToJson(AffineScaler s) => new JsonObject
    {
        ["kind"] = s.Kind,
        ["shift"] = new JsonArray(s.Shift.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray()),
        ["multiplier"] = new JsonArray(s.Multiplier.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray()),
    }.ToJsonString();

    public static AffineScaler FromJson(string json)
    {
        try
        {
            JsonNode root = JsonNode.Parse(json) ?? throw new JsonException("null");
            AffineScaler s = AffineScaler.Create(root["kind"]!.GetValue<string>());
            double[] shift = root["shift"]!.AsArray().Select(n => n!.GetValue<double>()).ToArray();
            double[] mult = root["multiplier"]!.AsArray().Select(n => n!.GetValue<double>()).ToArray();
            s.Restore(shift, mult);
            return s;
        }
        catch (Exception e) when (e is JsonException or NullReferenceException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new FormatException("scaler metadata is not {kind, shift[], multiplier[]}: " + e.Message, e);
        }
    }
}
