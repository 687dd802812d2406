using System.Text;
using System.Text.Json.Nodes;
using RnnEngine.Engine.Tests.Models;
using RnnEngine.Engine.Tests.Support;
using Xunit;

namespace RnnEngine.Engine.Tests.Cli;

/// <summary>`eval --window T --aggregate max|last|mean`: seed 001's window-level figures from a per-row score file.</summary>
public sealed class EvalWindowTests : IDisposable
{
    private readonly TempFiles files = new();

    public void Dispose() => files.Dispose();

    /// <summary>105 rows, the first 5 warm-up rows without a score, one spike at row 36 inside the labelled rows 35-37.</summary>
    private (string Scores, string Labels) Files()
    {
        var s = new StringBuilder("index,score,is_anomaly\n");
        var l = new StringBuilder("index,label\n");
        for (int i = 0; i < 105; i++)
        {
            s.Append(i < 5 ? $"{i},,\n" : $"{i},{(i == 36 ? 5 : i % 7 * 0.1):F1},{(i == 36 ? 1 : 0)}\n");
            l.Append($"{i},{(i is >= 35 and <= 37 ? 1 : 0)}\n");
        }
        return (files.Write("s.csv", s.ToString()), files.Write("l.csv", l.ToString()));
    }

    private static JsonObject Eval(params string[] args)
    {
        var (code, output, err) = CliRunner.Run(["eval", .. args]);
        Assert.True(code == 0, err);
        return JsonNode.Parse(output)!.AsObject();
    }

    [Fact]
    public void WindowsAreScoredByTheMaxOfTheirRowsAndLabelledByAnyRow()
    {
        var (scores, labels) = Files();
        JsonObject o = Eval("--scores", scores, "--labels", labels, "--window", "10");
        Assert.Equal(10, o["count"]!.GetValue<int>());          // windows 0-9; the partial window 10 (rows 100-104) is left out
        Assert.Equal(1, o["skipped"]!.GetValue<int>());
        Assert.Equal(1, o["positives"]!.GetValue<int>());       // window 3
        Assert.Equal(1.0, o["roc_auc"]!.GetValue<double>());    // its max, 5, is the largest window score
        Assert.Equal(1.0, o["f1"]!.GetValue<double>());         // flagged: window 3 alone holds a flagged row
        Assert.Equal("max", o["window"]!["aggregate"]!.GetValue<string>());
    }

    [Fact]
    public void TheLastRowMissesASpikeInsideTheWindow()
    {
        var (scores, labels) = Files();
        double last = Eval("--scores", scores, "--labels", labels, "--window", "10", "--aggregate", "last")["roc_auc"]!.GetValue<double>();
        double rows = Eval("--scores", scores, "--labels", labels)["roc_auc"]!.GetValue<double>();
        Assert.True(last < 1.0, $"last {last}");   // row 39 of window 3 scores 0.4, as ordinary rows do
        Assert.True(rows < 1.0, $"rows {rows}");    // rows 35 and 37 are labelled but score like the rest
    }

    [Fact]
    public void WindowWithTheBaselinesIsAUsageError()
    {
        var (scores, labels) = Files();
        var (code, _, err) = CliRunner.Run("eval", "--scores", scores, "--labels", labels, "--window", "10", "--data", scores, "--train-rows", "5");
        Assert.Equal(2, code);
        Assert.Contains("--window", err);
    }
}
