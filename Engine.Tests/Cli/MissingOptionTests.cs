using RnnEngine.Engine.Tests.Support;
using System.Globalization;
using System.Text;
using RnnEngine.Engine.Tests.Models;
using Xunit;

namespace RnnEngine.Engine.Tests.Cli;

/// <summary>`train --missing`: the policy is applied and reported on stderr; without it a hole is exit 2 naming the cell.</summary>
public sealed class MissingOptionTests : IDisposable
{
    private readonly TempFiles files = new();

    public void Dispose() => files.Dispose();

    private static (int Code, string Out, string Err) Cli(params string[] args) => CliRunner.Run(args);

    [Theory]
    [InlineData("zero", "missing values: 2 cells in 2 rows set to 0")]
    [InlineData("ffill", "missing values: 2 cells in 2 rows filled forward")]
    [InlineData("drop", "missing values: 2 cells; dropped 2 rows")]
    public void TrainAppliesAndReportsThePolicy(string policy, string report)
    {
        var sb = new StringBuilder("a,b\n");
        var labels = new StringBuilder();
        for (int i = 0; i < 300; i++)
        {
            string a = i is 50 or 120 ? "NaN" : Math.Sin(i / 5.0).ToString("F4", CultureInfo.InvariantCulture);
            sb.Append(CultureInfo.InvariantCulture, $"{a},{Math.Cos(i / 4.0):F4}\n");
            labels.Append("0\n");
        }
        string data = files.Write("holes.csv", sb.ToString());
        string labelFile = files.Write("labels.txt", labels.ToString());
        string model = files.PathOf("m.model");
        var bad = Cli("train", "--data", data, "--window", "8", "--hidden", "4", "--epochs", "1", "--device", "cpu", "--out", model, "--quiet");
        Assert.Equal(2, bad.Code);
        Assert.Contains("row 52, column 'a'", bad.Err);
        // labels stay one per input row: those of dropped rows are dropped with them
        var ok = Cli("train", "--data", data, "--labels", labelFile, "--window", "8", "--hidden", "4", "--epochs", "1", "--device", "cpu", "--out", model,
            "--quiet", "--missing", policy);
        Assert.True(ok.Code == 0, ok.Err);
        Assert.Contains(report, ok.Err);
        Assert.Equal(2, Cli("train", "--data", data, "--out", model, "--missing", "sometimes").Code);
    }
}
