using RnnEngine.Models.Data;
using Xunit;

namespace RnnEngine.Engine.Tests.Reliability;

public sealed class MissingPolicyTests
{
    // Rows (data row numbers 0..4, file lines 2..6): row 1 has an empty b, row 3 NaN a and inf b, row 4 NA a.
    private const string Text = "a,b,label\n1,10,0\n2,,1\n3,30,0\nNaN,-inf,1\nNA,50,0\n";

    private static CsvReadResult Read(MissingPolicy p) =>
        CsvSeriesReader.ReadText(Text, "m.csv", new CsvReadOptions { Missing = p, LabelColumn = "label" });

    [Fact]
    public void ErrorIsTheDefaultAndNamesThePlace()
    {
        var e = Assert.Throws<DataFormatException>(() => CsvSeriesReader.ReadText(Text, "m.csv", new CsvReadOptions { LabelColumn = "label" }));
        Assert.Equal("m.csv: row 3, column 'b' (#2): expected a finite number, got '' (a missing value; a missing-value policy error|drop|ffill|zero can accept it)", e.Message);
    }

    [Fact]
    public void DropLeavesOutRowsAndReportsThem()
    {
        CsvReadResult r = Read(MissingPolicy.Drop);
        Assert.Equal(new float[] { 1, 10, 3, 30 }, r.Series.Values);
        Assert.Equal(new[] { false, false }, r.Series.Labels);
        Assert.Equal((4, 3), (r.Missing.Cells, r.Missing.Rows));
        Assert.Equal(new[] { 1, 3, 4 }, r.Missing.DroppedRows);
        Assert.Equal("missing values: 4 cells; dropped 3 rows", r.Missing.Describe());
    }

    [Fact]
    public void ForwardFillRepeatsTheColumnsPreviousValue()
    {
        CsvReadResult r = Read(MissingPolicy.ForwardFill);
        Assert.Equal(new float[] { 1, 10, 2, 10, 3, 30, 3, 30, 3, 50 }, r.Series.Values);
        Assert.Equal(new[] { false, true, false, true, false }, r.Series.Labels);
        Assert.Equal((4, 3), (r.Missing.Cells, r.Missing.Rows));
        Assert.Empty(r.Missing.DroppedRows);
        var e = Assert.Throws<DataFormatException>(() => CsvSeriesReader.ReadText("a\nnan\n1\n", "f.csv", new CsvReadOptions { Missing = MissingPolicy.ForwardFill }));
        Assert.StartsWith("f.csv: row 2, column 'a' (#1): missing value 'nan' in the first data row", e.Message);
    }

    [Fact]
    public void ZeroReplacesMissingCells()
    {
        CsvReadResult r = Read(MissingPolicy.Zero);
        Assert.Equal(new float[] { 1, 10, 2, 0, 3, 30, 0, 0, 0, 50 }, r.Series.Values);
        Assert.Equal("missing values: 4 cells in 3 rows set to 0", r.Missing.Describe());
    }

    [Theory]
    [InlineData(MissingPolicy.Drop)]
    [InlineData(MissingPolicy.ForwardFill)]
    [InlineData(MissingPolicy.Zero)]
    public void TextAndOverflowAreErrorsUnderEveryPolicy(MissingPolicy p)
    {
        var o = new CsvReadOptions { Missing = p };
        Assert.Contains("row 3, column 'a' (#1): expected a finite number, got 'abc'",
            Assert.Throws<DataFormatException>(() => CsvSeriesReader.ReadText("a\n1\nabc\n", "t.csv", o)).Message);
        Assert.Contains("got '-4e38' (outside the float32 range)",
            Assert.Throws<DataFormatException>(() => CsvSeriesReader.ReadText("a\n1\n-4e38\n", "t.csv", o)).Message);
        // Labels are never filled in.
        Assert.Throws<DataFormatException>(() => CsvSeriesReader.ReadText("a,label\n1,\n", "t.csv", o with { LabelColumn = "label" }));
    }

    [Fact]
    public void DroppingEveryRowIsAnError()
    {
        var e = Assert.Throws<DataFormatException>(() => CsvSeriesReader.ReadText("a,b\n1,\n,2\n", "d.csv", new CsvReadOptions { Missing = MissingPolicy.Drop }));
        Assert.Equal("d.csv: no data left: all 2 rows have a missing value and were dropped", e.Message);
    }

    [Fact]
    public void CleanFileReportsNothingMissing()
    {
        CsvReadResult r = CsvSeriesReader.ReadText("a\n1\n2\n", "c.csv", new CsvReadOptions { Missing = MissingPolicy.Drop });
        Assert.Equal("missing values: none", r.Missing.Describe());
        Assert.Equal(2, r.Series.Length);
    }

    [Theory]
    [InlineData("error", MissingPolicy.Error)]
    [InlineData("drop", MissingPolicy.Drop)]
    [InlineData("ffill", MissingPolicy.ForwardFill)]
    [InlineData(" ZERO ", MissingPolicy.Zero)]
    public void PolicyNamesForTheCommandLine(string text, MissingPolicy expected)
    {
        Assert.True(MissingPolicies.TryParse(text, out MissingPolicy p));
        Assert.Equal(expected, p);
        Assert.True(MissingPolicies.TryParse(MissingPolicies.Name(p), out MissingPolicy back) && back == p);
        Assert.False(MissingPolicies.TryParse("mean", out _));
    }
}
