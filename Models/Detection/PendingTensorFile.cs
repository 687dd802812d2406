using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using RnnEngine.Models.Data;

namespace RnnEngine.Models.Detection;

public sealed record NamedTensor(string Name, int[] Shape, float[] Data);

/// <summary>
/// Stand-in until branch `data` lands Engine/IO/SafeTensors + Models/Checkpoint: the safetensors layout (u64 header
/// length, JSON header with dtype F32, shape, data_offsets and __metadata__, then little-endian data).
/// </summary>
internal static class TensorFile
{
    public static void Write(string path, IReadOnlyList<NamedTensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        var header = new JsonObject();
        var meta = new JsonObject();
        foreach (var (k, v) in metadata) meta[k] = v;
        header["__metadata__"] = meta;
        long offset = 0;
        foreach (var t in tensors)
        {
            long bytes = 4L * t.Data.Length;
            header[t.Name] = new JsonObject
            {
                ["dtype"] = "F32",
                ["shape"] = new JsonArray(t.Shape.Select(d => (JsonNode?)JsonValue.Create(d)).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + bytes),
            };
            offset += bytes;
        }
        byte[] json = Encoding.UTF8.GetBytes(header.ToJsonString());
        string tmp = path + ".tmp";
        try
        {
            using (var f = File.Create(tmp))
            {
                Span<byte> len = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)json.Length);
                f.Write(len);
                f.Write(json);
                foreach (var t in tensors)
                {
                    var buf = new byte[4 * t.Data.Length];
                    for (int i = 0; i < t.Data.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(buf.AsSpan(4 * i), t.Data[i]);
                    f.Write(buf);
                }
            }
            File.Move(tmp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }

    public static (List<NamedTensor> Tensors, Dictionary<string, string> Metadata) Read(string path)
    {
        if (!File.Exists(path)) throw new DataFormatException(path, null, null, "file not found");
        byte[] all = File.ReadAllBytes(path);
        if (all.Length < 8) throw new DataFormatException(path, null, null, "not a safetensors file: shorter than its 8-byte header length");
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(all);
        if (n > (ulong)(all.Length - 8)) throw new DataFormatException(path, null, null, $"not a safetensors file: header length {n} exceeds the file");
        try
        {
            var header = JsonNode.Parse(Encoding.UTF8.GetString(all, 8, (int)n))!.AsObject();
            var metadata = new Dictionary<string, string>();
            var tensors = new List<NamedTensor>();
            foreach (var (name, node) in header)
            {
                if (name == "__metadata__")
                {
                    foreach (var (k, v) in node!.AsObject()) metadata[k] = v!.GetValue<string>();
                    continue;
                }
                if (node!["dtype"]!.GetValue<string>() != "F32") throw new FormatException($"tensor '{name}' is not F32");
                int[] shape = node["shape"]!.AsArray().Select(d => d!.GetValue<int>()).ToArray();
                long begin = node["data_offsets"]![0]!.GetValue<long>(), end = node["data_offsets"]![1]!.GetValue<long>();
                long count = shape.Aggregate(1L, (a, d) => a * d);
                if (end - begin != 4 * count || 8 + (long)n + end > all.Length || begin < 0)
                    throw new FormatException($"tensor '{name}' offsets [{begin}, {end}) do not fit shape or file");
                var data = new float[count];
                for (int i = 0; i < count; i++) data[i] = BinaryPrimitives.ReadSingleLittleEndian(all.AsSpan((int)(8 + (long)n + begin + 4 * i)));
                tensors.Add(new NamedTensor(name, shape, data));
            }
            return (tensors, metadata);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or NullReferenceException or IndexOutOfRangeException)
        {
            throw new DataFormatException(path, null, null, "not a valid safetensors file: " + e.Message, e);
        }
    }
}
