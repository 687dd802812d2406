using System.IO.Compression;
using System.Text;
using RnnEngine.Models.Data;
using Xunit;

namespace RnnEngine.Engine.Tests.Models;

public sealed class NpzReaderTests : IDisposable
{
    private readonly TempFiles files = new();
    public void Dispose() => files.Dispose();

    /// <summary>A .npy as NumPy writes it: magic, version 1.0, a header padded with spaces to a multiple of 64 bytes, the data.</summary>
    private static byte[] Npy(string descr, string shape, byte[] data, bool fortran = false)
    {
        string dict = $"{{'descr': '{descr}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': {shape}, }}";
        int total = 10 + dict.Length + 1;
        string header = dict + new string(' ', (64 - total % 64) % 64) + "\n";
        var b = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 };
        b.AddRange(BitConverter.GetBytes((ushort)header.Length));
        b.AddRange(Encoding.ASCII.GetBytes(header));
        b.AddRange(data);
        return [.. b];
    }

    private static byte[] Bytes<T>(params T[] values) where T : struct =>
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    private string Npz(string name, params (string Member, byte[] Npy)[] members)
    {
        string path = files.PathOf(name);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (member, npy) in members)
        {
            using var s = zip.CreateEntry(member + ".npy", CompressionLevel.Optimal).Open();
            s.Write(npy);
        }
        return path;
    }

    [Fact]
    public void ReadsFloat64FeaturesAndInt64Labels()
    {
        string p = Npz("a.npz", ("X", Npy("<f8", "(3, 2)", Bytes(1.5, -2.0, 3.25, 4.0, 0.0, 1e-3))), ("y", Npy("<i8", "(3,)", Bytes(0L, 1L, 0L))));
        Series s = NpzReader.ReadSeries(p);
        Assert.Equal(3, s.Length);
        Assert.Equal(2, s.Features);
        Assert.Equal(new float[] { 1.5f, -2, 3.25f, 4, 0, 1e-3f }, s.Values);
        Assert.Equal(new[] { false, true, false }, s.Labels);
    }

    [Fact]
    public void ReadsInt16Features()
    {
        string p = Npz("b.npz", ("X", Npy("<i2", "(2, 2)", Bytes<short>(-7, 300, 0, 32767))), ("y", Npy("<i8", "(2,)", Bytes(1L, 0L))));
        Series s = NpzReader.ReadSeries(p);
        Assert.Equal(new float[] { -7, 300, 0, 32767 }, s.Values);
        Assert.Equal(new[] { true, false }, s.Labels);
    }

    [Fact]
    public void UnsupportedDtypeNamesFileAndArray()
    {
        string p = Npz("c.npz", ("X", Npy(">f8", "(1, 1)", Bytes(1.0))), ("y", Npy("<i8", "(1,)", Bytes(0L))));
        var e = Assert.Throws<DataFormatException>(() => NpzReader.ReadSeries(p));
        Assert.Equal(p, e.File);
        Assert.Equal("X", e.Column);
        Assert.Contains(">f8", e.Message);
    }

    [Fact]
    public void FortranOrderIsTransposedToRows()
    {
        // columns on disk: (1, 2, 3) then (10, 20, 30)
        string p = Npz("d.npz", ("X", Npy("<f8", "(3, 2)", Bytes(1.0, 2, 3, 10, 20, 30), fortran: true)), ("y", Npy("<i8", "(3,)", Bytes(0L, 0L, 1L))));
        Series s = NpzReader.ReadSeries(p);
        Assert.Equal(new float[] { 1, 10, 2, 20, 3, 30 }, s.Values);
    }

    [Fact]
    public void ShortDataAndMissingArrayAreRefused()
    {
        string shortData = Npz("e.npz", ("X", Npy("<f8", "(2, 1)", Bytes(1.0))), ("y", Npy("<i8", "(2,)", Bytes(0L, 0L))));
        Assert.Contains("needs 16 bytes", Assert.Throws<DataFormatException>(() => NpzReader.ReadSeries(shortData)).Message);
        string noLabels = Npz("f.npz", ("X", Npy("<f8", "(1, 1)", Bytes(1.0))));
        Assert.Equal("y", Assert.Throws<DataFormatException>(() => NpzReader.ReadSeries(noLabels)).Column);
        string labelsMismatch = Npz("g.npz", ("X", Npy("<f8", "(2, 1)", Bytes(1.0, 2.0))), ("y", Npy("<i8", "(3,)", Bytes(0L, 0L, 1L))));
        Assert.Equal("y", Assert.Throws<DataFormatException>(() => NpzReader.ReadSeries(labelsMismatch)).Column);
    }

    [Fact]
    public void NotAZipIsADataFormatError()
    {
        string p = files.Write("h.npz", "not a zip");
        Assert.Throws<DataFormatException>(() => NpzReader.ReadSeries(p));
    }
}
