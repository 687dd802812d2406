using RnnEngine.Models.Data;
using Xunit;

namespace RnnEngine.Engine.Tests.Models;

public sealed class DataReadingTests : IDisposable
{
    private readonly TempFiles files = new();
    public void Dispose() => files.Dispose();

    [Fact]
    public void HeaderColumnsByNameWithLabels()
    {
        string p = files.Write("a.csv", "time,a,b,label\n0,1.5,2,normal\n1,3,-4e-1,anomaly.\n\n2,5,6,0\n");
        Series s = CsvSeriesReader.Read(p, new CsvReadOptions { Columns = ["b", "a"], LabelColumn = "label" });
        Assert.Equal(3, s.Length);
        Assert.Equal(2, s.Features);
        Assert.Equal(new float[] { 2, 1.5f, -0.4f, 3, 6, 5 }, s.Values);
        Assert.Equal(new[] { false, true, false }, s.Labels);
        Assert.Equal(new[] { "b", "a" }, s.ColumnNames);
    }

    [Fact]
    public void NoHeaderIndicesAndDelimiter()
    {
        string p = files.Write("b.csv", "1;2;3\n4;5;6\n");
        Series s = CsvSeriesReader.Read(p, new CsvReadOptions { HasHeader = false, Delimiter = ';', ColumnIndices = [2, 0] });
        Assert.Equal(new float[] { 3, 1, 6, 4 }, s.Values);
        Assert.Null(s.Labels);
    }

    [Fact]
    public void AllColumnsExceptLabelByDefault()
    {
        string p = files.Write("c.csv", "x,y,lab\n1,2,1\n3,4,0\n");
        Series s = CsvSeriesReader.Read(p, new CsvReadOptions { LabelColumnIndex = 2 });
        Assert.Equal(2, s.Features);
        Assert.Equal(new[] { true, false }, s.Labels);
    }

    [Theory]
    [InlineData("x,y\n1,2\n3,abc\n", "row 3, column 'y' (#2): expected a finite number, got 'abc'")]
    [InlineData("x,y\n1,NaN\n", "row 2, column 'y' (#2): expected a finite number, got 'NaN'")]
    [InlineData("x,y\n1,\n", "row 2, column 'y' (#2): expected a finite number, got ''")]
    [InlineData("x,y\n1,2\n3\n", "row 3: ragged row: expected 2 fields like the header, got 1")]
    [InlineData("x,y\n", "empty file")]
    [InlineData("", "empty file")]
    public void BadInputIsOneClearException(string text, string expected)
    {
        string p = files.Write("bad.csv", text);
        var e = Assert.Throws<DataFormatException>(() => CsvSeriesReader.Read(p));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith(p, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void MissingColumnAndMissingFile()
    {
        string p = files.Write("d.csv", "x,y\n1,2\n");
        var e = Assert.Throws<DataFormatException>(() => CsvSeriesReader.Read(p, new CsvReadOptions { Columns = ["z"] }));
        Assert.Contains("column 'z': missing column: the header has 'x', 'y'", e.Message);
        e = Assert.Throws<DataFormatException>(() => CsvSeriesReader.Read(p, new CsvReadOptions { ColumnIndices = [5] }));
        Assert.Contains("missing column", e.Message);
        e = Assert.Throws<DataFormatException>(() => CsvSeriesReader.Read(files.PathOf("nope.csv")));
        Assert.EndsWith("nope.csv: file not found", e.Message);
        string semi = files.Write("semi.csv", "a;b\n1;2\n");
        e = Assert.Throws<DataFormatException>(() => CsvSeriesReader.Read(semi, new CsvReadOptions { Columns = ["a", "b"] }));
        Assert.Contains("column 'a': missing column: the header has 'a;b' (is the delimiter ';' rather than ','?)", e.Message);
        string q = files.Write("e.csv", "x,y\n7,2\n");
        e = Assert.Throws<DataFormatException>(() => CsvSeriesReader.Read(q, new CsvReadOptions { LabelColumn = "x", Columns = ["y"] }));
        Assert.Contains("row 2, column 'x' (#1): expected a label 0/1, false/true or normal/anomaly, got '7'", e.Message);
    }

    [Fact]
    public void SingleLineFormat()
    {
        string p = files.Write("s.csv", "0.5,-1.25,3e-2,7\n");
        Series s = SingleLineSeries.Read(p);
        Assert.Equal(new float[] { 0.5f, -1.25f, 0.03f, 7 }, s.Values);
        var e = Assert.Throws<DataFormatException>(() => SingleLineSeries.Read(files.Write("t.csv", "1,2,,4")));
        Assert.Contains("row 1, column #3: expected a finite number, got ''", e.Message);
        Assert.Throws<DataFormatException>(() => SingleLineSeries.Read(files.Write("u.csv", "")));
        Assert.Throws<DataFormatException>(() => SingleLineSeries.Read(files.Write("v.csv", "1,inf")));
    }

    [Fact]
    public void PowerDemandPreparationFollowsSeed001()
    {
        // 1,000 raw rows valued by their index: every 8th -> 125 values (0, 8, ..., 992), drop 60 and 36 -> 29.
        string raw = files.Write("power.txt", string.Join("\n", Enumerable.Range(0, 1000)) + "\n");
        string lab = files.Write("lab.csv", string.Join("\n", Enumerable.Range(0, 29).Select(i => i == 3 ? "anomaly" : "normal.")));
        Series s = PowerDemand.Prepare(raw, lab);
        Assert.Equal(29, s.Length);
        Assert.Equal(480f, s.Values[0]);            // raw row 60 * 8
        Assert.Equal(PowerDemand.RawIndex(28), (int)s.Values[28]);
        Assert.Equal(704f, s.Values[28]);
        Assert.True(s.Labels![3]);
        Assert.Equal(1, s.Labels.Count(l => l));

        string shortLab = files.Write("lab2.csv", "normal\nnormal\n");
        var e = Assert.Throws<DataFormatException>(() => PowerDemand.Prepare(raw, shortLab));
        Assert.Contains("expected 29 labels", e.Message);
    }

    [Fact]
    public void BundledPowerDemandHasTheDocumentedShape()
    {
        string dir = Path.Combine(RepoRoot(), "data", "powerdemand");
        Series s = PowerDemand.Prepare(Path.Combine(dir, "power_data.txt"), Path.Combine(dir, "PowerDemandLabel.csv"));
        Assert.Equal(4284, s.Length);
        Assert.Equal(96, s.Labels!.Count(l => l));
        // First anomalous run starts at prepared row 972 = raw index 8256 (PROVENANCE.md).
        Assert.True(s.Labels![972] && !s.Labels[971]);
        Assert.Equal(8256, PowerDemand.RawIndex(972));
        WindowSet w = WindowSet.Cut(s, PowerDemand.WeekLength, PowerDemand.WeekLength);
        Assert.Equal(51, w.Count);
        // Anomalous weeks per PROVENANCE.md: 11, 16, 17, 19, 38, 50 -> 45 normal (k = 4): sN 20, vN1 12, vN2 4, tN 9.
        Seed001Split split = Seed001Split.Make(w.IsAnomalous!);
        Assert.Equal(new[] { 11, 16, 17 }, split.VA);
        Assert.Equal(new[] { 19, 38, 50 }, split.TA);
        Assert.Equal((20, 12, 4, 9), (split.SN.Length, split.VN1.Length, split.VN2.Length, split.TN.Length));
    }

    [Fact]
    public void BundledSineFilesHave320000ValuesAndShareTheFirstHalf()
    {
        string dir = Path.Combine(RepoRoot(), "data", "sine_seed003");
        Series normal = SingleLineSeries.Read(Path.Combine(dir, "normal.csv"));
        Series abn = SingleLineSeries.Read(Path.Combine(dir, "abn.csv"));
        Assert.Equal(320_000, normal.Length);
        Assert.Equal(320_000, abn.Length);
        Assert.True(normal.Values.AsSpan(0, 160_000).SequenceEqual(abn.Values.AsSpan(0, 160_000)));
        Assert.True(abn.Values.AsSpan(160_000).ToArray().Max() > 1.0f);
        Assert.True(normal.Values.Max() < 0.7f);
    }

    internal static string RepoRoot()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "RnnEngine.sln"))) d = d.Parent;
        return d?.FullName ?? throw new DirectoryNotFoundException("RnnEngine.sln not found above the test binaries");
    }
}
