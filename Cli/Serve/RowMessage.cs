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
        if (model is null) return NoModel(entry.Id, sensor, indexText);
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

    /// <summary>The message as read, in bytes, for the worker that owns its sensor (<see cref="Handoff"/>).</summary>
    public byte[] ToRecord()
    {
        using var bytes = new MemoryStream(64 + 4 * (Values?.Length ?? 0));
        using (var w = new BinaryWriter(bytes))
        {
            w.Write(RecordVersion);
            w.Write(Id.ToString()); w.Write(Sensor); w.Write(Index); w.Write(IndexText);
            w.Write(Values is not null);
            if (Values is not null)
            {
                w.Write(Values.Length);
                foreach (float v in Values) w.Write(v);
            }
            else
            {
                w.Write(Field!); w.Write(Error!);
            }
        }
        return bytes.ToArray();
    }

    /// <summary>A record of <see cref="ToRecord"/> back as the message, its model found by its sensor here.</summary>
    public static RowMessage FromRecord(byte[] record, SensorModels models)
    {
        using var r = new BinaryReader(new MemoryStream(record, writable: false));
        if (r.ReadByte() != RecordVersion) throw new InvalidDataException("hand-over record of another version");
        RedisValue id = r.ReadString();
        string sensor = r.ReadString(), indexText;
        long index = r.ReadInt64();
        indexText = r.ReadString();
        SensorModel? model = models.For(sensor);
        if (!r.ReadBoolean()) return Fail(id, sensor, index, indexText, r.ReadString(), r.ReadString(), model);
        var values = new float[r.ReadInt32()];
        for (int k = 0; k < values.Length; k++) values[k] = r.ReadSingle();
        if (model is null) return NoModel(id, sensor, indexText);
        if (values.Length != model.Features)
            return Fail(id, sensor, index, indexText, "sensor", $"the worker that read this row scores sensor {Clip(sensor)} with {values.Length} columns, this one with {model.Features}: give every worker the same --model");
        return new RowMessage { Id = id, Sensor = sensor, Index = index, IndexText = indexText, Model = model, Values = values };
    }

    private const byte RecordVersion = 1;

    private static RowMessage Fail(RedisValue id, string sensor, long index, string indexText, string field, string error, SensorModel? model = null) =>
        new() { Id = id, Sensor = sensor, Index = index, IndexText = indexText, Model = model, Field = field, Error = error };

    // a sensor no --model pattern matches has no place in any sequence (index -1): answered at once
    private static RowMessage NoModel(RedisValue id, string sensor, string indexText) =>
        Fail(id, sensor, -1, indexText, "sensor", $"no model for sensor {Clip(sensor)}: no --model pattern matches it");

    private static string Clip(string s) => s.Length <= 60 ? s : s[..60] + "...";
}
