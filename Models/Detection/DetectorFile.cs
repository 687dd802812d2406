using System.Globalization;
using System.Text.Json;
using RnnEngine.Engine;
using RnnEngine.Models.Architectures;
using RnnEngine.Models.Data;
using RnnEngine.Models.Data.Scaling;
using RnnEngine.Models.Scoring;
using RnnEngine.Models.Thresholds;

namespace RnnEngine.Models.Detection;

/// <summary>
/// A detector on disk: the network's parameters as named float32 tensors plus string metadata (config, scaler, error
/// model, threshold as JSON). Written to a temporary file and renamed, so a failed save leaves no partial model.
/// </summary>
public static class DetectorFile
{
    public const string Format = "rnnengine-detector/1";

    public static void Save(AnomalyDetector d, string path)
    {
        var c = d.Config;
        var metadata = new Dictionary<string, string>
        {
            ["format"] = Format,
            ["model"] = c.Model,
            ["window"] = c.Window.ToString(CultureInfo.InvariantCulture),
            ["features"] = c.Features.ToString(CultureInfo.InvariantCulture),
            ["hidden"] = c.Hidden.ToString(CultureInfo.InvariantCulture),
            ["fc_sizes"] = JsonSerializer.Serialize(c.FcSizes),
            ["decode"] = c.Decode == DecodeMode.Free ? "free" : "teacher",
            ["seed"] = c.Seed.ToString(CultureInfo.InvariantCulture),
            ["columns"] = JsonSerializer.Serialize(c.Columns),
            ["scaler"] = ScalerJson.ToJson(d.Scaler),
            ["error_model"] = d.ErrorModel.ToJson(),
            ["threshold"] = d.ThresholdRule.ToJson(),
        };
        var tensors = d.Model.Parameters.Select(p => new NamedTensor(p.Name, p.Value.Shape.ToArray(), p.Value.ToArray())).ToList();
        TensorFile.Write(path, tensors, metadata);
    }

    public static AnomalyDetector Load(Backend device, string path)
    {
        var (tensors, meta) = TensorFile.Read(path);
        string Get(string key) => meta.TryGetValue(key, out string? v) ? v
            : throw new DataFormatException(path, null, null, $"not a detector file: metadata '{key}' missing");
        if (Get("format") != Format) throw new DataFormatException(path, null, null, $"unsupported format '{Get("format")}', expected {Format}");
        try
        {
            var config = new DetectorConfig
            {
                Model = Get("model"),
                Window = int.Parse(Get("window"), CultureInfo.InvariantCulture),
                Features = int.Parse(Get("features"), CultureInfo.InvariantCulture),
                Hidden = int.Parse(Get("hidden"), CultureInfo.InvariantCulture),
                FcSizes = JsonSerializer.Deserialize<int[]>(Get("fc_sizes")) ?? [],
                Decode = Get("decode") == "free" ? DecodeMode.Free : DecodeMode.Teacher,
                Seed = ulong.Parse(Get("seed"), CultureInfo.InvariantCulture),
                Columns = JsonSerializer.Deserialize<string[]>(Get("columns")) ?? [],
            };
            IWindowModel model = config.Build(device);
            try
            {
                var byName = tensors.ToDictionary(t => t.Name);
                foreach (var p in model.Parameters)
                {
                    if (!byName.TryGetValue(p.Name, out var t))
                        throw new DataFormatException(path, null, null, $"parameter '{p.Name}' of {config.Model} missing");
                    if (!t.Shape.AsSpan().SequenceEqual(p.Value.Shape))
                        throw new DataFormatException(path, null, null, $"parameter '{p.Name}' has shape [{string.Join(", ", t.Shape)}], the model needs {p.Value.ShapeString}");
                    p.Value.CopyFrom(t.Data);
                }
                return new AnomalyDetector(config, model, ScalerJson.FromJson(Get("scaler")),
                    GaussianErrorModel.FromJson(Get("error_model")), Threshold.FromJson(Get("threshold")));
            }
            catch
            {
                model.Dispose();
                throw;
            }
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException or OverflowException)
        {
            throw new DataFormatException(path, null, null, "corrupt detector metadata: " + e.Message, e);
        }
    }
}
