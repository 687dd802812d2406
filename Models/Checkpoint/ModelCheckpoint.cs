using RnnEngine.Engine.IO;
using RnnEngine.Engine.Layers;
using RnnEngine.Models.Data.Scaling;
using RnnEngine.Models.Scoring;
using RnnEngine.Models.Thresholds;

namespace RnnEngine.Models.Checkpoint;

/// <summary>
/// A trained detector on disk: the parameters as F32 safetensors tensors (named as the layers name them), and in
/// "__metadata__" JSON strings for everything else a run needs to score new data: "scaler", "error_model",
/// "threshold" and the full "config" (whatever JSON the runner passes), plus "format" = <see cref="FormatTag"/>.
/// Each part except the parameters is optional, so a checkpoint can be saved before the error model is fitted.
/// </summary>
public sealed record ModelCheckpoint(
    IReadOnlyList<NamedArray> Parameters,
    string ConfigJson,
    AffineScaler? Scaler = null,
    GaussianErrorModel? ErrorModel = null,
    Threshold? Threshold = null)
{
    public const string FormatTag = "rnnengine-checkpoint-v1";

    /// <summary>Copies the current parameter values (any backend) into host arrays.</summary>
    public static IReadOnlyList<NamedArray> FromParameters(IEnumerable<Parameter> parameters) =>
        parameters.Select(p => new NamedArray(p.Name, p.Value.Shape.ToArray(), p.Value.ToArray())).ToArray();

    /// <summary>Writes the values of <paramref name="arrays"/> into the parameters with the same names and shapes.</summary>
    public static void LoadInto(IReadOnlyList<NamedArray> arrays, IEnumerable<Parameter> parameters, string source)
    {
        var byName = arrays.ToDictionary(a => a.Name, StringComparer.Ordinal);
        foreach (Parameter p in parameters)
        {
            if (!byName.TryGetValue(p.Name, out NamedArray? a))
                throw new SafeTensorsFormatException(source, $"no tensor '{p.Name}' for the model's parameter of that name");
            if (!a.Shape.AsSpan().SequenceEqual(p.Value.Shape))
                throw new SafeTensorsFormatException(source, $"tensor '{p.Name}' has shape [{string.Join(", ", a.Shape)}], the model needs {p.Value.ShapeString}");
            p.Value.CopyFrom(a.Data);
        }
    }

    public void Save(string path)
    {
        var meta = new Dictionary<string, string> { ["format"] = FormatTag, ["config"] = ConfigJson };
        if (Scaler is not null) meta["scaler"] = ScalerJson.ToJson(Scaler);
        if (ErrorModel is not null) meta["error_model"] = ErrorModel.ToJson();
        if (Threshold is not null) meta["threshold"] = Threshold.ToJson();
        SafeTensors.Write(path, Parameters, meta);
    }

    public static ModelCheckpoint Load(string path)
    {
        SafeTensorsContent c = SafeTensors.Read(path);
        if (!c.Metadata.TryGetValue("format", out string? format) || format != FormatTag)
            throw new SafeTensorsFormatException(path, $"metadata 'format' is '{format}', expected '{FormatTag}'");
        if (!c.Metadata.TryGetValue("config", out string? config))
            throw new SafeTensorsFormatException(path, "metadata has no 'config'");
        try
        {
            return new ModelCheckpoint(
                c.Tensors.Values.OrderBy(t => t.Name, StringComparer.Ordinal).ToArray(),
                config,
                c.Metadata.TryGetValue("scaler", out string? s) ? ScalerJson.FromJson(s) : null,
                c.Metadata.TryGetValue("error_model", out string? e) ? GaussianErrorModel.FromJson(e) : null,
                c.Metadata.TryGetValue("threshold", out string? t) ? Thresholds.Threshold.FromJson(t) : null);
        }
        catch (FormatException ex)
        {
            throw new SafeTensorsFormatException(path, ex.Message);
        }
    }
}
