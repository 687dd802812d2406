using System.Buffers.Binary;
using RnnEngine.Cli.Output;
using RnnEngine.Engine.Tests.Models;
using SkiaSharp;
using Xunit;

namespace RnnEngine.Engine.Tests.Output;

/// <summary>`score --plot`'s PNG: a real PNG of the asked size, with its text drawn, fast on long files, and never half-written.</summary>
public sealed class ScorePlotTests : IDisposable
{
    private const int Rows = 3000, Features = 3, ShiftStart = 1800, ShiftEnd = 2100, Warmup = 50;
    private readonly TempFiles files = new();

    public void Dispose() => files.Dispose();

    /// <summary>Three noisy sines; column b is shifted by 4 over [ShiftStart, ShiftEnd), which the score picks up.</summary>
    private static (float[] Values, double[] Scores, bool[] Flagged, bool[] Labels) Series(int rows = Rows)
    {
        var rng = new Random(7);
        var values = new float[rows * Features];
        var labels = new bool[rows];
        for (int r = 0; r < rows; r++)
        {
            labels[r] = r >= ShiftStart && r < ShiftEnd;
            for (int c = 0; c < Features; c++)
                values[r * Features + c] = (float)(Math.Sin(r / (20.0 + 7 * c)) + 0.2 * rng.NextDouble() + (labels[r] && c == 1 ? 4 : 0));
        }
        var scores = new double[rows];
        var flagged = new bool[rows];
        for (int r = 0; r < rows; r++)
        {
            scores[r] = r < Warmup ? double.NaN : Math.Abs(values[r * Features + 1]) + 0.05 * rng.NextDouble();
            flagged[r] = scores[r] > 2.5;
        }
        return (values, scores, flagged, labels);
    }

    private static void Write(string path, string title, int rows = Rows, DateTime[]? timestamps = null)
    {
        var (values, scores, flagged, labels) = Series(rows);
        ScorePlot.Write(path, title, ["a", "b", "c"], values, Features, scores, threshold: 2.5, flagged, labels, timestamps);
    }

    private static (int Width, int Height) Ihdr(byte[] png) =>
        (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));

    /// <summary>Pixels clearly darker than the background in the band above the top panel, where only the title is drawn.</summary>
    private static int DarkPixelsInTitleBand(string path)
    {
        using var bitmap = SKBitmap.Decode(path);
        int dark = 0;
        for (int y = 2; y < 55; y++)
            for (int x = 100; x < bitmap.Width - 300; x++)
            {
                SKColor c = bitmap.GetPixel(x, y);
                if (c.Red + c.Green + c.Blue < 300) dark++;
            }
        return dark;
    }

    [Fact]
    public void WritesAPngOfTheRequestedSize()
    {
        string path = files.PathOf("plot.png");
        Write(path, "lstm-ae on plot.csv");
        byte[] png = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 137, 80, 78, 71, 13, 10, 26, 10 }, png[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        Assert.Equal((1600, 700), Ihdr(png));
        Assert.True(png.Length > 10_000, $"{png.Length} bytes");
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Fact]
    public void TheTitleIsDrawn()
    {
        string titled = files.PathOf("titled.png"), untitled = files.PathOf("untitled.png");
        Write(titled, "lstm-ae on plot.csv: a title long enough to cover the band");
        Write(untitled, "");
        int withTitle = DarkPixelsInTitleBand(titled), withoutTitle = DarkPixelsInTitleBand(untitled);
        // the subtitle (rows, columns, flagged) is drawn in both, the title only in the first
        Assert.True(withTitle > withoutTitle + 500, $"dark pixels in the title band: {withTitle} with the title, {withoutTitle} without");
    }

    [Fact]
    public void TheEmbeddedFontDrawsTextWhereAMachineHasNoFonts()
    {
        using (SKTypeface regular = FontSetup.Embedded(bold: false), bold = FontSetup.Embedded(bold: true))
        {
            Assert.True(regular.ContainsGlyphs("anomaly score 0.5 -1,000 (row)"));
            Assert.True(bold.ContainsGlyphs("lstm-ae on data.csv"));
        }
        var (values, scores, flagged, labels) = Series();
        string path = files.PathOf("embedded.png"), blank = files.PathOf("blank.png");
        var lines = new[] { new PlotLine("b", values.Where((_, i) => i % Features == 1).Select(v => (double)v).ToArray()) };
        foreach (var (file, title) in new[] { (path, "drawn with the embedded DejaVu Sans subset"), (blank, "") })
            new AnomalyPlot
            {
                Title = title, Series = lines, Score = scores, Threshold = 2.5, Flagged = flagged, Labels = labels,
                FontFamily = FontSetup.EmbeddedFamily,
            }.Save(file);
        Assert.True(DarkPixelsInTitleBand(path) > DarkPixelsInTitleBand(blank) + 500);
    }

    [Fact]
    public void DatesOnTheXAxisAndMismatchedLengthsRefusedWithoutAFile()
    {
        var start = new DateTime(2024, 3, 1, 0, 0, 0, DateTimeKind.Utc);
        string path = files.PathOf("dated.png");
        Write(path, "dated", timestamps: Enumerable.Range(0, Rows).Select(i => start.AddMinutes(i)).ToArray());
        Assert.Equal((1600, 700), Ihdr(File.ReadAllBytes(path)));
        // a repeated timestamp (a clock set back) cannot place rows on a date axis: the plot falls back to the row index
        string repeated = files.PathOf("repeated.png");
        Write(repeated, "repeated", timestamps: Enumerable.Range(0, Rows).Select(i => start.AddMinutes(i == 10 ? 9 : i)).ToArray());
        Assert.True(new FileInfo(repeated).Length > 10_000);

        string bad = files.PathOf("bad.png");
        Assert.Throws<ArgumentException>(() => Write(bad, "short", timestamps: [start]));
        var (values, scores, flagged, _) = Series();
        Assert.Throws<ArgumentException>(() => ScorePlot.Write(bad, "t", ["a", "b"], values, Features, scores, 2.5, flagged));
        Assert.Throws<ArgumentException>(() => ScorePlot.Write(bad, "t", ["a", "b", "c"], values, Features, scores[1..], 2.5, flagged[1..]));
        Assert.False(File.Exists(bad));
        Assert.False(File.Exists(bad + ".tmp"));
    }

    [Fact]
    public void LongFilesAreCutToMinMaxPerPixelColumnAndKeepTheirSpikes()
    {
        const int n = 500_000, spike = 123_457, flaggedRow = 400_001;
        var values = new double[n];
        for (int i = 0; i < n; i++) values[i] = Math.Sin(i / 1000.0);
        values[spike] = 100;
        for (int i = 200_000; i < 200_010; i++) values[i] = double.NaN;
        var marks = new bool[n];
        marks[flaggedRow] = true;
        var plot = new AnomalyPlot { Title = "long", Score = values, Flagged = marks };

        var pieces = plot.Decimate(values).ToList();
        Assert.True(pieces.Sum(p => p.Xs.Length) <= 2 * 1600, $"{pieces.Sum(p => p.Xs.Length)} points drawn");
        Assert.Contains(pieces, p => p.Ys.Contains(100) && p.Xs.Contains(spike));
        var (start, end) = Assert.Single(plot.Runs(marks));
        Assert.Equal(flaggedRow, start);
        Assert.True(end - start >= n / 1600, "a lone flagged row is widened to be seen");

        var clock = System.Diagnostics.Stopwatch.StartNew();
        string path = files.PathOf("long.png");
        Write(path, "long file", rows: n);
        Assert.True(new FileInfo(path).Length > 10_000);
        // generous: the point is that drawing does not grow with the rows (undecimated, this takes minutes)
        Assert.True(clock.Elapsed.TotalSeconds < 60, $"{clock.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public void ManyColumnsDrawTheSixThatMovedMostOnFlaggedRows()
    {
        const int rows = 400, features = 10;
        var values = new float[rows * features];
        var flagged = new bool[rows];
        var rng = new Random(3);
        for (int r = 0; r < rows; r++)
        {
            flagged[r] = r >= 300 && r < 320;
            for (int c = 0; c < features; c++) values[r * features + c] = (float)rng.NextDouble() + (flagged[r] && c is 8 ? 10 : 0);
        }
        int[] drawn = ScorePlot.PickColumns(values, features, rows, flagged);
        Assert.Equal(ScorePlot.MaxColumns, drawn.Length);
        Assert.Contains(8, drawn);
        Assert.Equal(drawn.Order(), drawn);
        Assert.Equal(new[] { 0, 1, 2, 3, 4, 5 }, ScorePlot.PickColumns(values, features, rows, new bool[rows]));
    }
}
