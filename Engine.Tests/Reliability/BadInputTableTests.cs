using RnnEngine.Engine.IO;
using RnnEngine.Engine.Tests.Models;
using RnnEngine.Models.Checkpoint;
using RnnEngine.Models.Data;
using Xunit;

namespace RnnEngine.Engine.Tests.Reliability;

/// <summary>
/// The readers' side of acceptance check 09: each bad input gives the documented exception (DataFormatException for
/// data, SafeTensorsFormatException for checkpoints, FileNotFoundException for a missing checkpoint) with a one-line
/// message naming the file and, where there is one, the row or column, plus the word the check looks for.
/// </summary>
public sealed class BadInputTableTests : IDisposable
{
    private readonly TempFiles files = new();
    public void Dispose() => files.Dispose();

    public static TheoryData<string, string, string[]?, string> Table() => new()
    {
        // name, file text (null: no file), columns, what the message must hold
        { "text-cell", "a,b\n1,2\n3,x\n5,6\n", null, "row 3, column 'b' (#2): expected a finite number, got 'x'" },
        { "nan-cell", "a,b\n1,2\n3,NaN\n5,6\n", null, "row 3, column 'b' (#2): expected a finite number, got 'NaN'" },
        { "inf-cell", "a,b\n1,2\n3,-inf\n", null, "row 3, column 'b' (#2)" },
        { "empty-cell", "a,b\n1,2\n3,\n", null, "row 3, column 'b' (#2)" },
        { "huge-number", "a,b\n1,2\n3,1e39\n", null, "row 3, column 'b' (#2): expected a finite number, got '1e39' (outside the float32 range)" },
        { "ragged-row", "a,b\n1,2\n3\n5,6\n", null, "row 3: ragged row: expected 2 fields like the header, got 1" },
        { "empty-file", "", null, "empty file" },
        { "header-only", "a,b\n", null, "empty file" },
        { "wrong-delimiter", "a;b\n1;2\n3;4\n", ["a", "b"], "column 'a': missing column: the header has 'a;b' (is the delimiter ';' rather than ','?)" },
        { "missing-column", "a,b\n1,2\n", ["a", "zzz"], "column 'zzz': missing column: the header has 'a', 'b'" },
        { "missing-file", "", ["(no file)"], "file not found" },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void BadCsvIsOneDataFormatExceptionNamingThePlace(string name, string text, string[]? columns, string expected)
    {
        string p = columns is ["(no file)"] ? files.PathOf("nope.csv") : files.Write(name + ".csv", text);
        var options = new CsvReadOptions { Columns = columns is ["(no file)"] ? null : columns };
        var e = Assert.Throws<DataFormatException>(() => CsvSeriesReader.Read(p, options));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith(p + ": ", e.Message);
        Assert.Equal(p, e.File);
        Assert.DoesNotContain('\n', e.Message);
        // The same text in memory gives the same message (the fuzz tests rely on the overload behaving alike).
        if (columns is not ["(no file)"])
            Assert.Equal(e.Message, Assert.Throws<DataFormatException>(() => CsvSeriesReader.ReadText(text, p, options)).Message);
    }

    [Fact]
    public void TruncatedCheckpointIsRejectedAtTenPoints()
    {
        string p = files.PathOf("m.safetensors");
        ReaderFuzzTests.SmallCheckpoint().Save(p);
        byte[] good = File.ReadAllBytes(p);
        string t = files.PathOf("trunc.ckpt");
        for (int k = 1; k <= 10; k++)
        {
            File.WriteAllBytes(t, good.AsSpan(0, good.Length * k / 11).ToArray());
            var e = Assert.Throws<SafeTensorsFormatException>(() => ModelCheckpoint.Load(t));
            Assert.StartsWith(t + ": invalid or corrupt safetensors checkpoint: ", e.Message);
            Assert.Matches("truncat|shorter|header is not valid JSON", e.Message);
            Assert.Equal(t, e.File);
        }
        Assert.NotNull(ModelCheckpoint.Load(p).Threshold);
    }

    [Fact]
    public void CorruptedOrWrongVersionCheckpointIsRejected()
    {
        string p = files.PathOf("m.safetensors");
        ModelCheckpoint ckpt = ReaderFuzzTests.SmallCheckpoint();
        ckpt.Save(p);
        byte[] good = File.ReadAllBytes(p);

        // One flipped bit in the last parameter's bytes: the structure is intact, only the checksum sees it.
        byte[] flipped = (byte[])good.Clone();
        flipped[^2] ^= 0x10;
        File.WriteAllBytes(p, flipped);
        Assert.Contains("checksum mismatch", Assert.Throws<SafeTensorsFormatException>(() => ModelCheckpoint.Load(p)).Message);

        var meta = SafeTensors.Parse(p, good).Metadata.Where(m => m.Key != SafeTensors.ChecksumKey).ToDictionary();
        meta["format_version"] = "3";
        SafeTensors.Write(p, ckpt.Parameters, meta);
        Assert.Contains("checkpoint format version '3', this build reads version 2", Assert.Throws<SafeTensorsFormatException>(() => ModelCheckpoint.Load(p)).Message);

        meta.Remove("format_version");
        meta["format"] = "rnnengine-checkpoint-v1";
        SafeTensors.Write(p, ckpt.Parameters, meta);
        Assert.Contains("format version 1 (no checksum)", Assert.Throws<SafeTensorsFormatException>(() => ModelCheckpoint.Load(p)).Message);

        // A well-formed file without the checksum (as another tool would write it) is not taken for a checkpoint.
        string header = "{\"__metadata__\":{\"config\":\"{}\",\"format\":\"rnnengine-checkpoint\",\"format_version\":\"2\"},\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        byte[] h = System.Text.Encoding.UTF8.GetBytes(header);
        byte[] f = new byte[8 + h.Length + 4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(f, (ulong)h.Length);
        h.CopyTo(f, 8);
        Assert.Contains("no content checksum", Assert.Throws<SafeTensorsFormatException>(() => ModelCheckpoint.Parse("plain.safetensors", f)).Message);

        // Non-finite parameters with a valid checksum: a diverged model.
        var nan = ckpt with { Parameters = [new NamedArray("w", [2], [1, float.NaN])] };
        nan.Save(p);
        Assert.Contains("tensor 'w' holds NaN at element 1", Assert.Throws<SafeTensorsFormatException>(() => ModelCheckpoint.Load(p)).Message);

        Assert.Contains("checkpoint not found", Assert.Throws<FileNotFoundException>(() => ModelCheckpoint.Load(files.PathOf("nope.safetensors"))).Message);
    }
}
