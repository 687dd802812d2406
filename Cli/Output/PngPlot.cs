using System.Buffers.Binary;
using System.IO.Compression;

namespace RnnEngine.Cli.Output;

/// <summary>
/// A small raster line plot written as an 8-bit RGB PNG without any plotting package: stacked panels, each with one or
/// more series scaled to the panel, an optional horizontal threshold line, and labelled anomalies shaded across all
/// panels. No text is drawn; the caller names the panels in its results/README.
/// </summary>
public sealed class PngPlot(int width, int panelHeight)
{
    public readonly record struct Rgb(byte R, byte G, byte B);

    public static readonly Rgb Blue = new(31, 119, 180), Orange = new(255, 127, 14), Red = new(214, 39, 40),
        Gray = new(120, 120, 120), Shade = new(255, 214, 214), White = new(255, 255, 255), Frame = new(60, 60, 60);

    private sealed record Line(double[] Values, Rgb Color);
    private sealed record Panel(List<Line> Lines, double? Threshold);

    private readonly List<Panel> panels = [];
    private bool[]? anomalies;

    /// <summary>Adds a panel; <paramref name="values"/> may contain NaN (not drawn), x spans the panel width.</summary>
    public PngPlot AddPanel(double[] values, Rgb color, double? threshold = null)
    {
        panels.Add(new Panel([new Line(values, color)], threshold));
        return this;
    }

    /// <summary>Overlays another series on the last panel (same scale).</summary>
    public PngPlot Overlay(double[] values, Rgb color)
    {
        panels[^1].Lines.Add(new Line(values, color));
        return this;
    }

    /// <summary>Marks positions (on the first panel's x axis) that carry an anomaly label.</summary>
    public PngPlot Labels(bool[] labelled)
    {
        anomalies = labelled;
        return this;
    }

    public void Save(string path)
    {
        int height = panels.Count * panelHeight;
        var pixels = new byte[height * width * 3];
        Fill(pixels, 0, 0, width, height, White);
        if (anomalies is { Length: > 0 })
            for (int x = 0; x < width; x++)
            {
                int i0 = (int)((long)x * anomalies.Length / width), i1 = Math.Max(i0 + 1, (int)((long)(x + 1) * anomalies.Length / width));
                bool any = false;
                for (int i = i0; i < i1 && i < anomalies.Length; i++) any |= anomalies[i];
                if (any) Fill(pixels, x, 0, 1, height, Shade);
            }
        for (int p = 0; p < panels.Count; p++) DrawPanel(pixels, panels[p], p * panelHeight);
        WritePng(path, pixels, width, height);
    }

    private void DrawPanel(byte[] pixels, Panel panel, int top)
    {
        const int margin = 6;
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (var line in panel.Lines)
            foreach (double v in line.Values)
                if (double.IsFinite(v)) { lo = Math.Min(lo, v); hi = Math.Max(hi, v); }
        if (panel.Threshold is double th && double.IsFinite(th)) { lo = Math.Min(lo, th); hi = Math.Max(hi, th); }
        if (!double.IsFinite(lo)) { lo = 0; hi = 1; }
        if (hi - lo < 1e-12) { hi = lo + 1; }
        int plotH = panelHeight - 2 * margin;
        int Y(double v) => top + margin + (int)Math.Round((hi - v) / (hi - lo) * (plotH - 1));
        foreach (var line in panel.Lines)
        {
            int n = line.Values.Length;
            int px = -1, py = -1;
            for (int i = 0; i < n; i++)
            {
                double v = line.Values[i];
                if (!double.IsFinite(v)) { px = -1; continue; }
                int x = n == 1 ? 0 : (int)((long)i * (width - 1) / (n - 1));
                int y = Y(v);
                if (px >= 0) DrawLine(pixels, px, py, x, y, line.Color);
                else Set(pixels, x, y, line.Color);
                px = x; py = y;
            }
        }
        if (panel.Threshold is double t && double.IsFinite(t))
        {
            int y = Y(t);
            for (int x = 0; x < width; x += 2) Set(pixels, x, y, Red);
        }
        Fill(pixels, 0, top + panelHeight - 1, width, 1, Frame);
    }

    private void DrawLine(byte[] pixels, int x0, int y0, int x1, int y1, Rgb color)
    {
        int dx = Math.Abs(x1 - x0), sx = x0 < x1 ? 1 : -1, dy = -Math.Abs(y1 - y0), sy = y0 < y1 ? 1 : -1, err = dx + dy;
        while (true)
        {
            Set(pixels, x0, y0, color);
            if (x0 == x1 && y0 == y1) return;
            int e2 = 2 * err;
            if (e2 >= dy) { err += dy; x0 += sx; }
            if (e2 <= dx) { err += dx; y0 += sy; }
        }
    }

    private void Set(byte[] pixels, int x, int y, Rgb c)
    {
        if ((uint)x >= (uint)width || y < 0 || y >= pixels.Length / (3 * width)) return;
        int i = (y * width + x) * 3;
        pixels[i] = c.R; pixels[i + 1] = c.G; pixels[i + 2] = c.B;
    }

    private void Fill(byte[] pixels, int x0, int y0, int w, int h, Rgb c)
    {
        for (int y = y0; y < y0 + h; y++)
            for (int x = x0; x < x0 + w; x++) Set(pixels, x, y, c);
    }

    /// <summary>PNG: signature, IHDR (8-bit RGB), one zlib IDAT with filter byte 0 per row, IEND.</summary>
    internal static void WritePng(string path, byte[] rgb, int width, int height)
    {
        using var raw = new MemoryStream();
        using (var z = new ZLibStream(raw, CompressionLevel.Optimal, leaveOpen: true))
            for (int y = 0; y < height; y++)
            {
                z.WriteByte(0);
                z.Write(rgb, y * width * 3, width * 3);
            }
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 2; // colour type RGB
        string tmp = path + ".tmp";
        using (var f = File.Create(tmp))
        {
            f.Write([137, 80, 78, 71, 13, 10, 26, 10]);
            Chunk(f, "IHDR", header);
            Chunk(f, "IDAT", raw.ToArray());
            Chunk(f, "IEND", []);
        }
        File.Move(tmp, path, overwrite: true);
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        s.Write(word);
        byte[] typeBytes = System.Text.Encoding.ASCII.GetBytes(type);
        s.Write(typeBytes);
        s.Write(data);
        uint crc = Crc32(typeBytes, 0xFFFFFFFFu);
        crc = Crc32(data, crc) ^ 0xFFFFFFFFu;
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        s.Write(word);
    }

    private static uint[]? crcTable;

    private static uint Crc32(byte[] data, uint crc)
    {
        crcTable ??= BuildCrcTable();
        foreach (byte b in data) crc = crcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
