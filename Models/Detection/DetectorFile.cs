using System.Text.Json;
using RnnEngine.Engine;
using RnnEngine.Engine.IO;
using RnnEngine.Models.Architectures;
using RnnEngine.Models.Checkpoint;
using RnnEngine.Models.Data;

namespace RnnEngine.Models.Detection;

/// <summary>
/// A detector on disk through <see cref="ModelCheckpoint"/> (safetensors: parameters + scaler, error model, threshold
/// and this detector's <see cref="DetectorConfig"/> as JSON). Any problem reading it becomes one
/// <see cref="DataFormatException"/> line naming the file.
/// </summary>
public static class DetectorFile
{
    /// <summary>The tensor of <see cref="AnomalyDetector.Rehearsal"/>: not a parameter, so loading skips it there.</summary>
    public const string RehearsalName = "online.rehearsal";
    /// <summary>The tensors of <see cref="AnomalyDetector.Reference"/>.</summary>
    public const string ReferenceName = "online.reference", ReferenceNormalName = "online.reference_normal";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static void Save(AnomalyDetector d, string path)
    {
        var m = d.Model;
        // the model's role-prefixed names: an encoder and a decoder LSTM name their weights alike
        var arrays = ModelCheckpoint.FromParameters(m.Parameters, m.ParameterNames).ToList();
        if (d.Rehearsal is { Length: > 0 } r)
            arrays.Add(new NamedArray(RehearsalName, [r.Length / (d.Config.Span * d.Config.Features), d.Config.Span, d.Config.Features], r));
        if (d.Reference is ({ Length: > 0 } rows, bool[] normal))
        {
            arrays.Add(new NamedArray(ReferenceName, [normal.Length, d.Config.Features], rows));
            arrays.Add(new NamedArray(ReferenceNormalName, [normal.Length], [.. normal.Select(n => n ? 1f : 0f)]));
        }
        var checkpoint = new ModelCheckpoint(arrays, ToJson(d.Config), d.Scaler, d.ErrorModel, d.ThresholdRule, d.ChannelScore);
        checkpoint.Save(path);
    }

    public static AnomalyDetector Load(Backend device, string path)
    {
        if (!File.Exists(path)) throw new DataFormatException(path, null, null, "model file not found");
        try
        {
            ModelCheckpoint c = ModelCheckpoint.Load(path);
            DetectorConfig config = FromJson(c.ConfigJson);
            if (c.Scaler is null || c.ErrorModel is null || c.Threshold is null)
                throw new DataFormatException(path, null, null, "checkpoint has no scaler, error model or threshold: not a trained detector");
            IWindowModel model = config.Build(device);
            try
            {
                ModelCheckpoint.LoadInto(c.Parameters, model.Parameters, model.ParameterNames, path);
                // the constructor refuses a missing or out-of-range channel score: a DataFormatException naming the file below
                NamedArray? rehearsal = c.Parameters.FirstOrDefault(a => a.Name == RehearsalName);
                if (rehearsal is not null && (rehearsal.Shape.Length != 3 || rehearsal.Shape[1] != config.Span || rehearsal.Shape[2] != config.Features))
                    throw new DataFormatException(path, null, null, $"tensor '{RehearsalName}' has shape [{string.Join(", ", rehearsal.Shape)}], expected [n, {config.Span}, {config.Features}]");
                NamedArray? reference = c.Parameters.FirstOrDefault(a => a.Name == ReferenceName);
                NamedArray? referenceNormal = c.Parameters.FirstOrDefault(a => a.Name == ReferenceNormalName);
                if (reference is not null && (referenceNormal is null || reference.Shape is not [int n, int f] || f != config.Features || referenceNormal.Shape is not [int m] || m != n))
                    throw new DataFormatException(path, null, null, $"tensors '{ReferenceName}' and '{ReferenceNormalName}' do not match: expected [n, {config.Features}] and [n]");
                return new AnomalyDetector(config, model, c.Scaler, c.ErrorModel, c.Threshold, c.ChannelScore)
                {
                    Rehearsal = rehearsal?.Data,
                    Reference = reference is null ? null : (reference.Data, [.. referenceNormal!.Data.Select(v => v != 0)]),
                };
            }
            catch
            {
                model.Dispose();
                throw;
            }
        }
        catch (Exception e) when (e is SafeTensorsFormatException or JsonException or ArgumentException)
        {
            throw new DataFormatException(path, null, null, "not a usable detector checkpoint: " + e.Message, e);
        }
    }

    public static string ToJson(DetectorConfig c) => JsonSerializer.Serialize(new ConfigDto(
        c.Model, c.Window, c.Features, c.Hidden, [.. c.FcSizes], c.Decode == DecodeMode.Free ? "free" : "teacher", c.Seed, [.. c.Columns],
        c.Format, c.ResampleSeconds, c.Score, c.Smoothing, c.ThresholdRule, c.Risk, c.EventGap, [.. c.ScoreColumns], c.Ensemble), Json);

    internal static DetectorConfig FromJson(string json)
    {
        var d = JsonSerializer.Deserialize<ConfigDto>(json, Json) ?? throw new JsonException("config is null");
        if (!DetectorConfig.ModelNames.Contains(d.Model)) throw new JsonException($"unknown model '{d.Model}'");
        if (d.Window < 1 || d.Features < 1 || d.Hidden < 1) throw new JsonException($"bad sizes window {d.Window}, features {d.Features}, hidden {d.Hidden}");
        // checkpoints written before the format was stored are csv detectors
        string format = d.Format ?? "csv";
        if (format is not ("csv" or "swat" or "trace") || d.ResampleSeconds < 0) throw new JsonException($"bad input format '{format}', resample {d.ResampleSeconds}");
        // checkpoints written before the channel score scored by seed 001's rule, unsmoothed, one flag per exceedance
        string score = d.Score ?? "gaussian", rule = d.ThresholdRule ?? "gaussian";
        if (!DetectorConfig.ScoreNames.Contains(score) || !DetectorConfig.ThresholdNames.Contains(rule)) throw new JsonException($"unknown score '{score}' or threshold '{rule}'");
        if (d.Ensemble is < 1 or > 64) throw new JsonException($"bad ensemble size {d.Ensemble}");
        if (d.Smoothing is < 1 || d.EventGap is < 0 || d.Risk is <= 0 or >= 1) throw new JsonException($"bad smoothing {d.Smoothing}, event gap {d.EventGap} or risk {d.Risk}");
        return new DetectorConfig
        {
            Score = score, ThresholdRule = rule, Smoothing = d.Smoothing ?? 1, Risk = d.Risk ?? 1e-3, EventGap = d.EventGap ?? 0,
            ScoreColumns = d.ScoreColumns ?? [], Ensemble = d.Ensemble ?? 1,
            Model = d.Model, Window = d.Window, Features = d.Features, Hidden = d.Hidden, FcSizes = d.FcSizes ?? [],
            Decode = d.Decode == "free" ? DecodeMode.Free : DecodeMode.Teacher, Seed = d.Seed, Columns = d.Columns ?? [],
            Format = format, ResampleSeconds = d.ResampleSeconds ?? 0,
        };
    }

    private sealed record ConfigDto(string Model, int Window, int Features, int Hidden, int[]? FcSizes, string Decode, ulong Seed, string[]? Columns,
        string? Format, int? ResampleSeconds, string? Score, int? Smoothing, string? ThresholdRule, double? Risk, int? EventGap, int[]? ScoreColumns, int? Ensemble);
}
