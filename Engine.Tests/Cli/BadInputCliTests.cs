using RnnEngine.Engine.Tests.Models;
using RnnEngine.Engine.Tests.Support;
using Xunit;

namespace RnnEngine.Engine.Tests.Cli;

/// <summary>Inputs that used to give a silently wrong result: one line naming file, row and column, exit 2, no model.</summary>
public sealed class BadInputCliTests : IDisposable
{
    private readonly TempFiles files = new();

    public void Dispose() => files.Dispose();

    private (int Code, string Err, bool Wrote) Train(string csv)
    {
        string data = files.Write("in.csv", csv), model = files.PathOf("m.model");
        var r = CliRunner.Run(["train", "--data", data, "--window", "4", "--epochs", "1", "--device", "cpu", "--out", model]);
        return (r.Code, r.Err, File.Exists(model));
    }

    private static string Rows(int n, Func<int, string> row) => string.Concat(Enumerable.Range(0, n).Select(i => row(i) + "\n"));

    [Fact]
    public void AFileWithoutAHeaderIsRefused()
    {
        var r = Train(Rows(100, i => $"{i % 7},{i % 5}"));
        Assert.Equal(2, r.Code);
        Assert.Contains("row 1", r.Err);
        Assert.Contains("is all numbers, not column names", r.Err);
        Assert.False(r.Wrote);
    }

    [Fact]
    public void AHugeValueIsRefusedNamingItsCell()
    {
        var r = Train("a,b\n" + Rows(100, i => i == 50 ? "1,1e38" : $"{i % 7},{i % 5}"));
        Assert.Equal(2, r.Code);
        Assert.Contains("row 52, column 'b'", r.Err);
        Assert.Contains("1e38", r.Err);
        Assert.False(r.Wrote);
    }

    [Fact]
    public void NumericColumnNamesNextToWordsStillReadAsAHeader()
    {
        var r = Train("t,1,2\n" + Rows(100, i => $"{i},{i % 7},{i % 5}"));
        Assert.True(r.Code == 0, r.Err);
    }
}
