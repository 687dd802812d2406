using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;

namespace RnnEngine.Models.Data;

/// <summary>One array of a .npy file: its values widened to double, row-major, and its shape.</summary>
public sealed record NpyArray(double[] Values, int[] Shape)
{
    public int Rows => Shape.Length == 0 ? 1 : Shape[0];
    public int Columns => Shape.Length <= 1 ? 1 : Shape[1];
}

/// <summary>
/// Reads NumPy's .npz archives (a zip of .npy files, as np.savez and np.savez_compressed write them) without NumPy:
/// enough of the .npy format for the labelled streams that ship this way (ODDS / ADBench): little-endian floats and
/// integers, C or Fortran order, one or two dimensions. Anything else is refused with the file and the array named, rather than
/// read wrong.
/// </summary>
public static partial class NpzReader
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Every array of the archive by name (the member name without ".npy").</summary>
    public static IReadOnlyDictionary<string, NpyArray> Read(string path)
    {
        if (!File.Exists(path)) throw new DataFormatException(path, null, null, "file not found");
        var arrays = new Dictionary<string, NpyArray>();
        try
        {
            using var zip = ZipFile.OpenRead(path);
            foreach (ZipArchiveEntry e in zip.Entries)
            {
                if (!e.FullName.EndsWith(".npy", StringComparison.Ordinal)) continue;
                string name = e.FullName[..^4];
                using var s = e.Open();
                using var buffer = new MemoryStream();
                s.CopyTo(buffer);
                arrays[name] = ParseNpy(buffer.ToArray(), path, name);
            }
        }
        catch (InvalidDataException ex)
        {
            throw new DataFormatException(path, null, null, $"not a readable .npz (zip) archive: {ex.Message}", ex);
        }
        return arrays;
    }

    /// <summary>
    /// A labelled series: <paramref name="x"/> [rows, features] as float32 values, <paramref name="y"/> [rows] as labels
    /// (non-zero = anomaly).
    /// </summary>
    public static Series ReadSeries(string path, string x = "X", string y = "y")
    {
        var arrays = Read(path);
        NpyArray xs = Get(arrays, path, x), ys = Get(arrays, path, y);
        if (xs.Shape.Length is < 1 or > 2) throw new DataFormatException(path, null, x, $"expected one or two dimensions, got shape ({string.Join(", ", xs.Shape)})");
        if (ys.Shape.Length != 1 || ys.Shape[0] != xs.Rows)
            throw new DataFormatException(path, null, y, $"expected one label per row of {x} ({xs.Rows}), got shape ({string.Join(", ", ys.Shape)})");
        var values = new float[xs.Values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            double v = xs.Values[i];
            if (!double.IsFinite(v)) throw new DataFormatException(path, i / xs.Columns + 1, x, $"non-finite value {v} in column {i % xs.Columns + 1}");
            values[i] = (float)v;
        }
        var labels = new bool[ys.Rows];
        for (int i = 0; i < labels.Length; i++) labels[i] = ys.Values[i] != 0;
        string[] names = Enumerable.Range(0, xs.Columns).Select(c => $"{x}{c}").ToArray();
        return new Series(values, xs.Columns, labels, path, names);
    }

    private static NpyArray Get(IReadOnlyDictionary<string, NpyArray> arrays, string path, string name) =>
        arrays.TryGetValue(name, out var a) ? a
        : throw new DataFormatException(path, null, name, $"no array '{name}' in the archive (it has {string.Join(", ", arrays.Keys.Order())})");

    /// <summary>The .npy layout: magic, version, header length (2 bytes in 1.x, 4 in 2.x/3.x), a Python dict literal, the data.</summary>
    internal static NpyArray ParseNpy(byte[] bytes, string path, string name)
    {
        DataFormatException Bad(string problem) => new(path, null, name, problem);
        if (bytes.Length < 10 || !bytes.AsSpan(0, 6).SequenceEqual(Magic)) throw Bad("not a .npy array (no \\x93NUMPY magic)");
        int major = bytes[6];
        int headerLength, start;
        if (major == 1) { headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)); start = 10; }
        else if (major is 2 or 3 && bytes.Length >= 12) { headerLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)); start = 12; }
        else throw Bad($"unsupported .npy version {major}.{bytes[7]}");
        if (headerLength < 0 || start + headerLength > bytes.Length) throw Bad("header runs past the end of the array");
        string header = Encoding.UTF8.GetString(bytes, start, headerLength);

        string descr = DescrPattern().Match(header) is { Success: true } d ? d.Groups[1].Value : throw Bad($"header without 'descr': {header.Trim()}");
        Match fortran = FortranPattern().Match(header);
        if (!fortran.Success) throw Bad($"header without 'fortran_order': {header.Trim()}");
        Match shapeMatch = ShapePattern().Match(header);
        if (!shapeMatch.Success) throw Bad($"header without 'shape': {header.Trim()}");
        int[] shape;
        try
        {
            shape = shapeMatch.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(s => int.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture)).ToArray();
        }
        catch (Exception ex) when (ex is FormatException or OverflowException) { throw Bad($"unreadable shape ({shapeMatch.Groups[1].Value})"); }

        (int size, Func<ReadOnlySpan<byte>, double> read) = descr switch
        {
            "<f8" => (8, b => BinaryPrimitives.ReadDoubleLittleEndian(b)),
            "<f4" => (4, b => (double)BinaryPrimitives.ReadSingleLittleEndian(b)),
            "<i8" => (8, b => (double)BinaryPrimitives.ReadInt64LittleEndian(b)),
            "<i4" => (4, b => (double)BinaryPrimitives.ReadInt32LittleEndian(b)),
            "<i2" => (2, b => (double)BinaryPrimitives.ReadInt16LittleEndian(b)),
            "|i1" => (1, b => (double)(sbyte)b[0]),
            "|u1" or "|b1" => (1, (Func<ReadOnlySpan<byte>, double>)(b => b[0])),
            _ => throw Bad($"unsupported dtype '{descr}' (little-endian float or integer expected)"),
        };
        long count = shape.Aggregate(1L, (a, b) => a * b);
        long data = start + headerLength;
        if (count * size != bytes.Length - data) throw Bad($"shape ({string.Join(", ", shape)}) of '{descr}' needs {count * size} bytes, the array has {bytes.Length - data}");
        var values = new double[count];
        for (long i = 0; i < count; i++) values[i] = read(bytes.AsSpan((int)(data + i * size), size));
        if (fortran.Groups[1].Value == "True" && shape.Length > 1)
        {
            // column-major on disk (ODDS/ADBench save X this way): transposed to the row-major layout everything else takes
            if (shape.Length > 2) throw Bad($"Fortran-ordered arrays of {shape.Length} dimensions are not supported");
            int rows = shape[0], cols = shape[1];
            var c = new double[count];
            for (int j = 0; j < cols; j++)
                for (int i = 0; i < rows; i++) c[(long)i * cols + j] = values[(long)j * rows + i];
            values = c;
        }
        return new NpyArray(values, shape);
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
