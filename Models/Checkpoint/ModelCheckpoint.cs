using RnnEngine.Engine.IO;
using RnnEngine.Engine.Layers;
using RnnEngine.Models.Data.Scaling;
using RnnEngine.Models.Scoring;
using RnnEngine.Models.Thresholds;

namespace RnnEngine.Models.Checkpoint;

/// <summary>
/// A trained detector on disk: the parameters as F32 safetensors tensors (named as the layers name them), and in
/// "__metadata__" JSON strings for everything else a run needs to score new data: "scaler", "error_model",
/// "threshold", "channel_score" and the full "config" (whatever JSON the runner passes), plus "format" = <see cref="FormatTag"/>,
/// "format_version" = <see cref="FormatVersion"/> and the writer's SHA-256 of the content
/// (<see cref="SafeTensors.ChecksumKey"/>). Each part except the parameters is optional, so a checkpoint can be saved
/// before the error model is fitted. Saving is crash-safe (temp file, flush, rename: see <see cref="SafeTensors.Write"/>);
/// loading rejects a truncated, corrupted (checksum), foreign or other-version file, and non-finite parameters, with
/// one <see cref="SafeTensorsFormatException"/> line naming the file.
/// </summary>
public sealed record ModelCheckpoint(
    IReadOnlyList<NamedArray> Parameters,
    string ConfigJson,
    AffineScaler? Scaler = null,
    GaussianErrorModel? ErrorModel = null,
    Threshold? Threshold = null,
    ChannelScore? ChannelScore = null)
{
    public const string FormatTag = "rnnengine-checkpoint";
    /// <summary>2: content checksum required. Version 1 files ("format" = "rnnengine-checkpoint-v1") had none.</summary>
    public const string FormatVersion = "2";

    /// <summary>Copies the current parameter values (any backend) into host arrays.</summary>
    public static IReadOnlyList<NamedArray> FromParameters(IEnumerable<Parameter> parameters) =>
        parameters.Select(p => new NamedArray(p.Name, p.Value.Shape.ToArray(), p.Value.ToArray())).ToArray();

    /// <summary>As <see cref="FromParameters(IEnumerable{Parameter})"/>, each saved under <paramref name="names"/>[i]
    /// (models whose layers name their weights alike prefix them by role or position).</summary>
    public static IReadOnlyList<NamedArray> FromParameters(IReadOnlyList<Parameter> parameters, IReadOnlyList<string> names) =>
        parameters.Select((p, i) => new NamedArray(names[i], p.Value.Shape.ToArray(), p.Value.ToArray())).ToArray();

    /// <summary>Writes the values of <paramref name="arrays"/> into the parameters with the same names and shapes.</summary>
    public static void LoadInto(IReadOnlyList<NamedArray> arrays, IEnumerable<Parameter> parameters, string source)
    {
        var list = parameters.ToList();
        LoadInto(arrays, list, [.. list.Select(p => p.Name)], source);
    }

    /// <summary>Writes the array named <paramref name="names"/>[i] into parameter i, checking every name and shape
    /// first, so a checkpoint that does not fit leaves the parameters as they were.</summary>
    public static void LoadInto(IReadOnlyList<NamedArray> arrays, IReadOnlyList<Parameter> parameters, IReadOnlyList<string> names, string source)
    {
        var byName = arrays.ToDictionary(a => a.Name, StringComparer.Ordinal);
        var found = new NamedArray[parameters.Count];
        for (int i = 0; i < parameters.Count; i++)
        {
            Parameter p = parameters[i];
            if (!byName.TryGetValue(names[i], out NamedArray? a))
                throw new SafeTensorsFormatException(source, $"no tensor '{names[i]}' for the model's parameter of that name");
            if (!a.Shape.AsSpan().SequenceEqual(p.Value.Shape))
                throw new SafeTensorsFormatException(source, $"tensor '{names[i]}' has shape [{string.Join(", ", a.Shape)}], the model needs {p.Value.ShapeString}");
            found[i] = a;
        }
        for (int i = 0; i < parameters.Count; i++) parameters[i].Value.CopyFrom(found[i].Data);
    }

    public void Save(string path)
    {
        var meta = new Dictionary<string, string> { ["format"] = FormatTag, ["format_version"] = FormatVersion, ["config"] = ConfigJson };
        if (Scaler is not null) meta["scaler"] = ScalerJson.ToJson(Scaler);
        if (ErrorModel is not null) meta["error_model"] = ErrorModel.ToJson();
        if (Threshold is not null) meta["threshold"] = Threshold.ToJson();
        if (ChannelScore is not null) meta["channel_score"] = ChannelScore.ToJson();
        SafeTensors.Write(path, Parameters, meta);
    }

    public static ModelCheckpoint Load(string path) => FromContent(path, SafeTensors.Read(path));

    /// <summary>A checkpoint file held in memory; <paramref name="name"/> names it in errors.</summary>
    public static ModelCheckpoint Parse(string name, ReadOnlySpan<byte> file) => FromContent(name, SafeTensors.Parse(name, file));

    private static ModelCheckpoint FromContent(string path, SafeTensorsContent c)
    {
        if (!c.Metadata.TryGetValue("format", out string? format) || format != FormatTag)
        {
            if (format == FormatTag + "-v1")
                throw new SafeTensorsFormatException(path, $"checkpoint format version 1 (no checksum); this build reads version {FormatVersion}: train or save the model again");
            throw new SafeTensorsFormatException(path, $"metadata 'format' is '{Clip(format)}', expected '{FormatTag}' (not an RnnEngine checkpoint)");
        }
        if (!c.Metadata.TryGetValue("format_version", out string? version) || version != FormatVersion)
            throw new SafeTensorsFormatException(path, $"checkpoint format version '{Clip(version)}', this build reads version {FormatVersion}");
        if (!c.Checksummed)
            throw new SafeTensorsFormatException(path, $"no content checksum (metadata '{SafeTensors.ChecksumKey}')");
        foreach (NamedArray a in c.Tensors.Values)
        {
            int bad = Array.FindIndex(a.Data, v => !float.IsFinite(v));
            if (bad >= 0) throw new SafeTensorsFormatException(path, $"tensor '{a.Name}' holds {a.Data[bad]} at element {bad}: a diverged model is not loaded");
        }
        if (!c.Metadata.TryGetValue("config", out string? config))
            throw new SafeTensorsFormatException(path, "metadata has no 'config'");
        try
        {
            return new ModelCheckpoint(
                c.Tensors.Values.OrderBy(t => t.Name, StringComparer.Ordinal).ToArray(),
                config,
                c.Metadata.TryGetValue("scaler", out string? s) ? ScalerJson.FromJson(s) : null,
                c.Metadata.TryGetValue("error_model", out string? e) ? GaussianErrorModel.FromJson(e) : null,
                c.Metadata.TryGetValue("threshold", out string? t) ? Thresholds.Threshold.FromJson(t) : null,
                c.Metadata.TryGetValue("channel_score", out string? cs) ? ChannelScore.FromJson(cs) : null);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            // Metadata JSON that parses but describes an impossible scaler, error model or threshold.
            throw new SafeTensorsFormatException(path, ex.Message);
        }
    }

    private static string Clip(string? s) => s is null ? "(none)" : s.Length > 40 ? s[..40] + "..." : s;
}
