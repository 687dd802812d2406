using System.Buffers.Binary;
using System.Text;
using RnnEngine.Engine.IO;
using RnnEngine.Engine.Tests.Models;
using Xunit;

namespace RnnEngine.Engine.Tests.IO;

public sealed class SafeTensorsTests : IDisposable
{
    private readonly TempFiles files = new();
    public void Dispose() => files.Dispose();

    private static readonly NamedArray W = new("enc.w_ih", [3, 2], [1, -2, 3.5f, 4, 5, float.Epsilon]);
    private static readonly NamedArray B = new("enc.b_ih", [3], [0.25f, -0.5f, 1e30f]);
    private static readonly NamedArray S = new("scalar", [], [7]);

    [Fact]
    public void RoundTripKeepsEveryBitShapeAndMetadata()
    {
        string p = files.PathOf("m.safetensors");
        var meta = new Dictionary<string, string> { ["config"] = "{\"hidden\":15}", ["note"] = "ünïcode \"quoted\"" };
        SafeTensors.Write(p, [W, B, S], meta);
        SafeTensorsContent c = SafeTensors.Read(p);
        Assert.Equal(3, c.Tensors.Count);
        Assert.Equal(W.Shape, c.Tensors["enc.w_ih"].Shape);
        Assert.Equal(W.Data, c.Tensors["enc.w_ih"].Data);
        Assert.Equal(B.Data, c.Tensors["enc.b_ih"].Data);
        Assert.Empty(c.Tensors["scalar"].Shape);
        Assert.Equal(meta, c.Metadata);
        Assert.Single(Directory.GetFiles(files.Dir));   // the temp file was renamed, not left behind
    }

    [Fact]
    public void LayoutIsTheSafetensorsSpec()
    {
        string p = files.PathOf("l.safetensors");
        SafeTensors.Write(p, [W, B], new Dictionary<string, string> { ["k"] = "v" });
        byte[] bytes = File.ReadAllBytes(p);
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0UL, n % 8);
        string header = Encoding.UTF8.GetString(bytes, 8, (int)n);
        // Name order: enc.b_ih (12 bytes) first, then enc.w_ih (24 bytes).
        Assert.Equal("{\"__metadata__\":{\"k\":\"v\"},\"enc.b_ih\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]},"
            + "\"enc.w_ih\":{\"dtype\":\"F32\",\"shape\":[3,2],\"data_offsets\":[12,36]}}", header.TrimEnd(' '));
        Assert.Equal(8 + (int)n + 36, bytes.Length);
        Assert.Equal(0.25f, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(8 + (int)n)));
    }

    private static byte[] Build(string header, int dataBytes)
    {
        byte[] h = Encoding.UTF8.GetBytes(header);
        byte[] f = new byte[8 + h.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(f, (ulong)h.Length);
        h.CopyTo(f, 8);
        return f;
    }

    [Theory]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4, "tensors cover 8 data bytes but the file holds 4")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 12, "the file holds 12")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8, "spans 8 bytes but its shape needs 12")]
    [InlineData("{\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4, "only F32 is supported")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "overlap or gap")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4, "non-negative")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[65536,65536],\"data_offsets\":[0,4]}}", 4, "more than")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[\"0\",4]}}", 4, "invalid data_offsets")]
    [InlineData("{\"__metadata__\":{\"k\":1}}", 0, "metadata 'k' is not a string")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, "appears twice")]
    [InlineData("{\"a\":", 0, "not valid JSON")]
    [InlineData("[1]", 0, "does not start with '{'")]
    public void CorruptHeadersAreRejected(string header, int dataBytes, string expected)
    {
        var e = Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.Parse("x.safetensors", Build(header, dataBytes)));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith("x.safetensors: invalid or corrupt safetensors checkpoint", e.Message);
    }

    [Fact]
    public void TruncatedFilesAreRejected()
    {
        string p = files.PathOf("t.safetensors");
        SafeTensors.Write(p, [W, B]);
        byte[] good = System.IO.File.ReadAllBytes(p);
        for (int cut = 0; cut < good.Length; cut += 5)
            Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.Parse(p, good.AsSpan(0, cut)));
        byte[] huge = (byte[])good.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(huge, ulong.MaxValue);
        Assert.Contains("exceeds", Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.Parse(p, huge)).Message);
        Assert.Throws<FileNotFoundException>(() => SafeTensors.Read(files.PathOf("missing.safetensors")));
    }
}
