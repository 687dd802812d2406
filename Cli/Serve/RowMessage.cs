using System.Globalization;
using StackExchange.Redis;

namespace RnnEngine.Cli.Serve;

/// <summary>
/// One input message read into a sensor row: fields `sensor`, `index` (the row's position in that sensor's stream) and
/// one field per model column. A message that cannot be scored carries the field at fault and why (<see cref="Field"/>,
/// <see cref="Error"/>); with a sensor and an index it still takes its place in the sensor's sequence.
/// </summary>
public sealed class RowMessage
{
    public required RedisValue Id { get; init; }
    public required string Sensor { get; init; }
    /// <summary>-1 when the message has no usable index.</summary>
    public required long Index { get; init; }
    public required string IndexText { get; init; }
    public SensorModel? Model { get; init; }
    /// <summary>The raw values [F] in the model's feature order (null for an error).</summary>
    public float[]? Values { get; init; }
    public string? Field { get; init; }
    /// <summary>Set when the row is scored: its smoothed score (NaN before the sensor's first full span) and decision.</summary>
    public double Score { get; set; } = double.NaN;
    public bool Flag { get; set; }
    public string? Error { get; init; }

    public bool InSequence => Model is not null && Index >= 0;

    /// <summary>The message's sensor name, or null when it has none.</summary>
    public static string? SensorOf(StreamEntry entry)
    {
        foreach (var nv in entry.Values)
            if (nv.Name == "sensor") return nv.Value.IsNullOrEmpty ? null : nv.Value.ToString();
        return null;
    }

    /// <summary>Reads a stream entry; never throws for bad content.</summary>
    public static RowMessage Read(StreamEntry entry, SensorModels models)
    {
        string? sensor = null, indexText = null;
        foreach (var nv in entry.Values)
        {
            if (nv.Name == "sensor") sensor = nv.Value.ToString();
            else if (nv.Name == "index") indexText = nv.Value.ToString();
        }
        if (string.IsNullOrEmpty(sensor)) return Fail(entry.Id, "", -1, indexText ?? "", "sensor", "missing field sensor: every message names its sensor");
        if (indexText is null) return Fail(entry.Id, sensor, -1, "", "index", "missing field index: the row's index in the sensor's stream");
        if (!long.TryParse(indexText, NumberStyles.None, CultureInfo.InvariantCulture, out long index))
            return Fail(entry.Id, sensor, -1, indexText, "index", $"index '{Clip(indexText)}' is not a row number (0, 1, 2, ...)");
        SensorModel? model = models.For(sensor);
        if (model is null) return Fail(entry.Id, sensor, -1, indexText, "sensor", $"no model for sensor {Clip(sensor)}: no --model pattern matches it");
        var values = new float[model.Features];
        var seen = new bool[model.Features];
        foreach (var nv in entry.Values)
        {
            int k = Array.IndexOf(model.Fields, (string?)nv.Name);
            if (k < 0) continue;
            string text = nv.Value.ToString();
            if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) || !float.IsFinite(v))
                return Fail(entry.Id, sensor, index, indexText, model.Fields[k], $"value '{Clip(text)}' of field {model.Fields[k]} is not a finite number", model);
            values[k] = v;
            seen[k] = true;
        }
        int missing = Array.IndexOf(seen, false);
        if (missing >= 0)
            return Fail(entry.Id, sensor, index, indexText, model.Fields[missing], $"missing field {model.Fields[missing]} (the model {Path.GetFileName(model.Path)} reads {string.Join(", ", model.Fields)})", model);
        return new RowMessage { Id = entry.Id, Sensor = sensor, Index = index, IndexText = indexText, Model = model, Values = values };
    }

    private static RowMessage Fail(RedisValue id, string sensor, long index, string indexText, string field, string error, SensorModel? model = null) =>
        new() { Id = id, Sensor = sensor, Index = index, IndexText = indexText, Model = model, Field = field, Error = error };

    private static string Clip(string s) => s.Length <= 60 ? s : s[..60] + "...";
}
