using System.Text.Json.Nodes;

namespace RnnEngine.Models.Thresholds;

/// <summary>A chosen threshold (score &gt; Value means anomalous), how it was chosen, and the F-beta reached if searched.</summary>
public sealed record Threshold(double Value, string Method, double? FBeta = null)
{
    public string ToJson()
    {
        var o = new JsonObject { ["value"] = Value, ["method"] = Method };
        if (FBeta is double f) o["fbeta"] = f;
        return o.ToJsonString();
    }

    public static Threshold FromJson(string json)
    {
        try
        {
            JsonNode root = JsonNode.Parse(json) ?? throw new FormatException("null");
            double v = root["value"]!.GetValue<double>();
            if (!double.IsFinite(v)) throw new FormatException($"threshold {v} is not finite");
            return new Threshold(v, root["method"]!.GetValue<string>(), root["fbeta"]?.GetValue<double>());
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or NullReferenceException or InvalidOperationException)
        {
            throw new FormatException("threshold metadata is not {value, method}: " + e.Message, e);
        }
    }
}
