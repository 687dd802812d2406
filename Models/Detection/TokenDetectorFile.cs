using System.Text.Json;
using RnnEngine.Engine;
using RnnEngine.Engine.IO;
using RnnEngine.Models.Architectures;
using RnnEngine.Models.Checkpoint;
using RnnEngine.Models.Data;
using RnnEngine.Models.Data.Seeds;

namespace RnnEngine.Models.Detection;

/// <summary>
/// A <see cref="TokenDetector"/> on disk through <see cref="ModelCheckpoint"/>: the parameters, the threshold, and the
/// config with the vocabulary it was trained with (ids are only meaningful with it). No scaler and no error model: the
/// score is a misclassification rate. Problems reading it become one <see cref="DataFormatException"/> line.
/// </summary>
public static class TokenDetectorFile
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Whether the checkpoint at <paramref name="path"/> holds a token model (else a numeric detector).</summary>
    public static bool IsTokenModel(string path) => ModelOf(Read(path).ConfigJson) == TokenDetectorConfig.ModelName;

    public static void Save(TokenDetector d, string path)
    {
        var c = d.Config;
        string config = JsonSerializer.Serialize(new ConfigDto(TokenDetectorConfig.ModelName, c.Window, c.SegmentWindows, c.Embedding,
            c.Hidden, c.State == DecoderState.Reset ? "reset" : "carry", c.Seed, c.Vocabulary.ToJson()), Json);
        new ModelCheckpoint(ModelCheckpoint.FromParameters(d.Model.Parameters, d.Model.ParameterNames), config, Threshold: d.ThresholdRule).Save(path);
    }

    public static TokenDetector Load(Backend device, string path)
    {
        ModelCheckpoint c = Read(path);
        TokenDetectorConfig config;
        try { config = FromJson(c.ConfigJson, path); }
        catch (JsonException e) { throw new DataFormatException(path, null, null, "not a usable token detector checkpoint: " + e.Message, e); }
        if (c.Threshold is null) throw new DataFormatException(path, null, null, "checkpoint has no threshold: not a trained detector");
        GruAttentionSeq2Seq model = TokenDetector.Build(device, config);
        try
        {
            ModelCheckpoint.LoadInto(c.Parameters, model.Parameters, model.ParameterNames, path);
            return new TokenDetector(config, model, c.Threshold);
        }
        catch (SafeTensorsFormatException e)
        {
            model.Dispose();
            throw new DataFormatException(path, null, null, "not a usable token detector checkpoint: " + e.Message, e);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static ModelCheckpoint Read(string path)
    {
        if (!File.Exists(path)) throw new DataFormatException(path, null, null, "model file not found");
        try { return ModelCheckpoint.Load(path); }
        catch (SafeTensorsFormatException e) { throw new DataFormatException(path, null, null, "not a usable detector checkpoint: " + e.Message, e); }
    }

    /// <summary>The "model" of a checkpoint's config JSON; null when it has none (the caller's loader then says why).</summary>
    private static string? ModelOf(string configJson)
    {
        try
        {
            using var doc = JsonDocument.Parse(configJson);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("model", out JsonElement m)
                && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
        }
        catch (JsonException) { return null; }
    }

    private static TokenDetectorConfig FromJson(string json, string path)
    {
        var d = JsonSerializer.Deserialize<ConfigDto>(json, Json) ?? throw new JsonException("config is null");
        if (d.Model != TokenDetectorConfig.ModelName) throw new JsonException($"model '{d.Model}', expected '{TokenDetectorConfig.ModelName}'");
        if (d.Window < 1 || d.SegmentWindows < 1 || d.Embedding < 1 || d.Hidden < 1)
            throw new JsonException($"bad sizes window {d.Window}, segment {d.SegmentWindows}, embedding {d.Embedding}, hidden {d.Hidden}");
        if (d.DecoderState is not ("carry" or "reset")) throw new JsonException($"decoder_state '{d.DecoderState}', expected carry or reset");
        var vocabulary = KernelEventVocabulary.Parse(d.Vocabulary ?? throw new JsonException("no vocabulary"), path + " (vocabulary)");
        if (vocabulary.StartId < 0) throw new JsonException($"the vocabulary has no '{KernelEventVocabulary.StartToken}' token");
        return new TokenDetectorConfig
        {
            Window = d.Window, SegmentWindows = d.SegmentWindows, Embedding = d.Embedding, Hidden = d.Hidden,
            State = d.DecoderState == "reset" ? DecoderState.Reset : DecoderState.Carry, Seed = d.Seed, Vocabulary = vocabulary,
        };
    }

    private sealed record ConfigDto(string Model, int Window, int SegmentWindows, int Embedding, int Hidden, string DecoderState, ulong Seed, string? Vocabulary);
}
