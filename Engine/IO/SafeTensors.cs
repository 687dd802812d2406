using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace RnnEngine.Engine.IO;

/// <summary>A float32 array with its shape, as stored in a safetensors file.</summary>
public sealed record NamedArray(string Name, int[] Shape, float[] Data)
{
    public static long Count(int[] shape)
    {
        long n = 1;
        foreach (int d in shape) n = checked(n * d);
        return n;
    }
}

/// <summary>Thrown for a safetensors file that is truncated, corrupt or uses what this reader does not support.</summary>
public sealed class SafeTensorsFormatException(string path, string problem)
    : IOException($"{path}: invalid or corrupt safetensors checkpoint: {problem}");

/// <summary>The tensors and string metadata of one safetensors file.</summary>
public sealed record SafeTensorsContent(IReadOnlyDictionary<string, NamedArray> Tensors, IReadOnlyDictionary<string, string> Metadata);

/// <summary>
/// The safetensors format (Hugging Face), float32 only, so PyTorch's <c>safetensors.torch.load_file</c> reads what
/// this writes: an unsigned 64-bit little-endian header length N, N bytes of UTF-8 JSON
/// <c>{"name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, ..., "__metadata__": {"k": "v"}}</c>
/// padded with spaces to a multiple of 8, then the tensor bytes (little-endian), offsets relative to the end of the
/// header. Tensors are laid out contiguously in name order. The reader trusts nothing in the file: the header length,
/// every offset and every shape are checked against the file size and each other (no overlap, no gap, byte counts
/// equal to the shape's), and metadata values must be strings.
/// </summary>
public static class SafeTensors
{
    /// <summary>The Python implementation refuses headers above 100 MB; so do we, before allocating anything.</summary>
    public const long MaxHeaderBytes = 100_000_000;

    public static void Write(string path, IReadOnlyList<NamedArray> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        byte[] header = BuildHeader(tensors, metadata, out NamedArray[] ordered);
        string full = Path.GetFullPath(path);
        string tmp = full + ".tmp-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                Span<byte> len = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)header.Length);
                fs.Write(len);
                fs.Write(header);
                foreach (NamedArray t in ordered) WriteFloats(fs, t.Data);
                fs.Flush(flushToDisk: true);
            }
            // Readers see the old file or the complete new one, never a half-written checkpoint.
            File.Move(tmp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(tmp); } catch (IOException) { }
            throw;
        }
    }

    private static byte[] BuildHeader(IReadOnlyList<NamedArray> tensors, IReadOnlyDictionary<string, string>? metadata, out NamedArray[] ordered)
    {
        ordered = tensors.OrderBy(t => t.Name, StringComparer.Ordinal).ToArray();
        var names = new HashSet<string>(StringComparer.Ordinal);
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject("__metadata__");
                foreach (var (k, v) in metadata.OrderBy(p => p.Key, StringComparer.Ordinal)) w.WriteString(k, v);
                w.WriteEndObject();
            }
            long offset = 0;
            foreach (NamedArray t in ordered)
            {
                if (t.Name.Length == 0 || t.Name == "__metadata__" || !names.Add(t.Name))
                    throw new ArgumentException($"tensor name '{t.Name}' is empty, reserved or repeated");
                if (t.Shape.Any(d => d < 0) || NamedArray.Count(t.Shape) != t.Data.Length)
                    throw new ArgumentException($"tensor '{t.Name}': shape [{string.Join(", ", t.Shape)}] does not hold {t.Data.Length} values");
                w.WriteStartObject(t.Name);
                w.WriteString("dtype", "F32");
                w.WriteStartArray("shape");
                foreach (int d in t.Shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                offset += 4L * t.Data.Length;
                w.WriteNumberValue(offset);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        int padded = (int)((ms.Length + 7) / 8 * 8);
        byte[] header = new byte[padded];
        ms.ToArray().CopyTo(header, 0);
        header.AsSpan((int)ms.Length).Fill((byte)' ');
        return header;
    }

    private static void WriteFloats(Stream s, float[] data)
    {
        if (BitConverter.IsLittleEndian) { s.Write(MemoryMarshal.AsBytes(data.AsSpan())); return; }
        var buf = new byte[4];
        foreach (float f in data) { BinaryPrimitives.WriteSingleLittleEndian(buf, f); s.Write(buf); }
    }

    public static SafeTensorsContent Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: checkpoint not found", path);
        byte[] bytes = File.ReadAllBytes(path);
        return Parse(path, bytes);
    }

    /// <summary>Parses a whole file already in memory; <paramref name="path"/> only names it in errors.</summary>
    public static SafeTensorsContent Parse(string path, ReadOnlySpan<byte> file)
    {
        if (file.Length < 8) throw new SafeTensorsFormatException(path, $"{file.Length} bytes, shorter than the 8-byte header length");
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (n > MaxHeaderBytes) throw new SafeTensorsFormatException(path, $"header length {n} exceeds the {MaxHeaderBytes}-byte limit");
        if (n > (ulong)(file.Length - 8)) throw new SafeTensorsFormatException(path, $"header length {n} but only {file.Length - 8} bytes follow (truncated)");
        ReadOnlySpan<byte> headerBytes = file.Slice(8, (int)n);
        ReadOnlySpan<byte> data = file[(8 + (int)n)..];
        if (headerBytes.Length == 0 || headerBytes[0] != (byte)'{') throw new SafeTensorsFormatException(path, "header does not start with '{'");

        JsonDocument doc;
        try { doc = JsonDocument.Parse(headerBytes.ToArray()); }
        catch (JsonException e) { throw new SafeTensorsFormatException(path, "header is not valid JSON: " + e.Message); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new SafeTensorsFormatException(path, "header is not a JSON object");
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var entries = new List<(string Name, int[] Shape, long Begin, long End)>();
            foreach (JsonProperty p in doc.RootElement.EnumerateObject())
            {
                if (p.Name == "__metadata__")
                {
                    if (p.Value.ValueKind != JsonValueKind.Object) throw new SafeTensorsFormatException(path, "__metadata__ is not an object");
                    foreach (JsonProperty m in p.Value.EnumerateObject())
                    {
                        if (m.Value.ValueKind != JsonValueKind.String) throw new SafeTensorsFormatException(path, $"metadata '{m.Name}' is not a string");
                        metadata[m.Name] = m.Value.GetString()!;
                    }
                    continue;
                }
                if (entries.Exists(e => e.Name == p.Name)) throw new SafeTensorsFormatException(path, $"tensor '{p.Name}' appears twice in the header");
                entries.Add(ParseEntry(path, p));
            }

            // Offsets must tile the data block exactly: sorted by begin, each starts where the previous ended.
            entries.Sort((a, b) => a.Begin.CompareTo(b.Begin));
            long expected = 0;
            foreach (var e in entries)
            {
                if (e.Begin != expected) throw new SafeTensorsFormatException(path, $"tensor '{e.Name}' starts at byte {e.Begin}, expected {expected} (overlap or gap)");
                expected = e.End;
            }
            if (expected != data.Length)
                throw new SafeTensorsFormatException(path, $"tensors cover {expected} data bytes but the file holds {data.Length} (truncated or trailing bytes)");

            var tensors = new Dictionary<string, NamedArray>(StringComparer.Ordinal);
            foreach (var e in entries)
            {
                var values = new float[(e.End - e.Begin) / 4];
                ReadOnlySpan<byte> src = data.Slice((int)e.Begin, (int)(e.End - e.Begin));
                if (BitConverter.IsLittleEndian) src.CopyTo(MemoryMarshal.AsBytes(values.AsSpan()));
                else for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(src[(4 * i)..]);
                tensors[e.Name] = new NamedArray(e.Name, e.Shape, values);
            }
            return new SafeTensorsContent(tensors, metadata);
        }
    }

    private static (string Name, int[] Shape, long Begin, long End) ParseEntry(string path, JsonProperty p)
    {
        string name = p.Name;
        JsonElement v = p.Value;
        if (v.ValueKind != JsonValueKind.Object) throw new SafeTensorsFormatException(path, $"tensor '{name}' is not an object");
        if (!v.TryGetProperty("dtype", out JsonElement dtype) || dtype.ValueKind != JsonValueKind.String)
            throw new SafeTensorsFormatException(path, $"tensor '{name}' has no dtype");
        if (dtype.GetString() != "F32") throw new SafeTensorsFormatException(path, $"tensor '{name}' has dtype {dtype.GetString()}; only F32 is supported");
        if (!v.TryGetProperty("shape", out JsonElement shapeEl) || shapeEl.ValueKind != JsonValueKind.Array)
            throw new SafeTensorsFormatException(path, $"tensor '{name}' has no shape array");
        var shape = new int[shapeEl.GetArrayLength()];
        long count = 1;
        int i = 0;
        foreach (JsonElement d in shapeEl.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out int dim) || dim < 0)
                throw new SafeTensorsFormatException(path, $"tensor '{name}' has a shape entry that is not a non-negative 32-bit integer");
            shape[i++] = dim;
            // Capped well below overflow: any count above int.MaxValue cannot fit a float[] anyway.
            count *= dim;
            if (count > int.MaxValue) throw new SafeTensorsFormatException(path, $"tensor '{name}' has more than {int.MaxValue} elements");
        }
        if (!v.TryGetProperty("data_offsets", out JsonElement off) || off.ValueKind != JsonValueKind.Array || off.GetArrayLength() != 2)
            throw new SafeTensorsFormatException(path, $"tensor '{name}' has no [begin, end] data_offsets");
        if (off[0].ValueKind != JsonValueKind.Number || off[1].ValueKind != JsonValueKind.Number
            || !off[0].TryGetInt64(out long begin) || !off[1].TryGetInt64(out long end) || begin < 0 || end < begin)
            throw new SafeTensorsFormatException(path, $"tensor '{name}' has invalid data_offsets");
        if (end - begin != 4 * count)
            throw new SafeTensorsFormatException(path, $"tensor '{name}' spans {end - begin} bytes but its shape needs {4 * count}");
        return (name, shape, begin, end);
    }
}
