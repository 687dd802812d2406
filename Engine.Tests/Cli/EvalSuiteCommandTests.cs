using RnnEngine.Engine.Tests.Support;
using System.Text.Json.Nodes;
using RnnEngine.Engine.Tests.Models;
using Xunit;

namespace RnnEngine.Engine.Tests.Cli;

/// <summary>The evaluation suite's objects in `rnnengine eval` output.</summary>
public sealed class EvalSuiteCommandTests : IDisposable
{
    private readonly TempFiles files = new();
    public void Dispose() => files.Dispose();

    private static (int Code, string Out, string Err) Run(params string[] args) => CliRunner.Run(args);

    private JsonNode Eval(string scores, string labels, params string[] extra)
    {
        string s = files.Write("s.csv", scores), l = files.Write("l.csv", labels);
        var (code, output, err) = Run(["eval", "--scores", s, "--labels", l, .. extra]);
        Assert.True(code == 0, err);
        return JsonNode.Parse(output)!;
    }

    // index 0..7, labels 0 0 1 1 1 0 0 1; scores listed out of order. Warm-up row 0.
    // In index order (1..7): labels 0 1 1 1 0 0 1, scores 0.2 0.3 0.9 0.4 0.7 0.1 0.35
    private const string Labels = "0\n0\n1\n1\n1\n0\n0\n1\n";
    private const string Scores = "index,score,is_anomaly\n5,0.7,1\n0,,\n2,0.3,0\n7,0.35,0\n1,0.2,0\n3,0.9,1\n6,0.1,0\n4,0.4,0\n";

    [Fact]
    public void DecisionsFromTheScoresFile()
    {
        JsonNode j = Eval(Scores, Labels);
        // flags at 3 (in segment [2,5)) and 5 (normal): point TP1 FP1 FN3 TN2 -> F1 2/6; PA: segment [2,5) found,
        // [7,8) missed: TP3 FP1 FN1 -> 6/8; segment 1 has 1 of 3 flagged -> PA%K adjusts for K <= 33
        Assert.Equal("scores-file", (string?)j["threshold"]!["source"]);
        Assert.Equal(2, (int)j["threshold"]!["flagged"]!);
        Assert.Equal(0.333333, (double)j["point"]!["f1"]!);
        Assert.Equal((double)j["f1"]!, (double)j["point"]!["f1"]!);
        Assert.Equal(0.75, (double)j["point_adjusted"]!["f1"]!);
        Assert.Equal(0.75, (double)j["pa_k"]!["f1_by_k"]![33]!);
        Assert.Equal(0.333333, (double)j["pa_k"]!["f1_by_k"]![34]!);
        // events [3,4) on target and [5,6) not: precision 1/2; segments hit 1 of 2; delay 3 - 2 = 1
        Assert.Equal(0.5, (double)j["event"]!["precision"]!);
        Assert.Equal(0.5, (double)j["event"]!["recall"]!);
        Assert.Equal(1, (double)j["delay"]!["mean"]!);
        Assert.Equal(0.5, (double)j["delay"]!["fraction_detected"]!);
        Assert.Equal(1UL, (ulong)j["random_baseline"]!["seed"]!);
        Assert.Equal(2, (int)j["random_baseline"]!["event"]!["true_segments"]!);
        // oracle, flagging from the top: 0.9(+) 2/5; 0.7(-) 2/6; 0.4(+) 4/7; 0.35(+) 6/8; 0.3(+) 8/9 (best); 0.2(-) 8/10
        Assert.Equal(0.2, (double)j["oracle"]!["best_f1_threshold"]!);
        Assert.Equal(0.888889, (double)j["oracle"]!["at_best_f1_threshold"]!["point"]!["f1"]!);
    }

    [Fact]
    public void FixedThresholdOverridesTheFileAndSeedMovesOnlyTheBaseline()
    {
        // score > 0.32: 0.9, 0.4, 0.7, 0.35 -> TP3 (3, 4, 7) FP1 (5) FN1 (2): F1 6/8
        JsonNode j = Eval(Scores, Labels, "--threshold", "0.32");
        Assert.Equal("value", (string?)j["threshold"]!["source"]);
        Assert.Equal(0.32, (double)j["threshold"]!["value"]!);
        Assert.Equal(0.75, (double)j["point"]!["f1"]!);
        Assert.Equal(0.75, (double)j["f1"]!);
        JsonNode k = Eval(Scores, Labels, "--threshold", "0.32", "--seed", "9");
        Assert.Equal(j["point"]!.ToJsonString(), k["point"]!.ToJsonString());
        Assert.Equal(9UL, (ulong)k["random_baseline"]!["seed"]!);
        Assert.NotEqual(j["random_baseline"]!["ranking"]!.ToJsonString(), k["random_baseline"]!["ranking"]!.ToJsonString());
    }

    [Fact]
    public void AMissingIndexSplitsASegment()
    {
        // indices 0 1 2 | 5 6: labels 1 1 (gap) 1 1 as one run in the file, two segments by index
        JsonNode j = Eval("index,score,is_anomaly\n0,0.9,1\n1,0.1,0\n2,0.1,0\n5,0.1,0\n6,0.1,0\n", "index,label\n0,1\n1,1\n2,0\n5,1\n6,1\n");
        Assert.Equal(2, (int)j["event"]!["true_segments"]!);
        Assert.Equal(0.5, (double)j["point_adjusted"]!["recall"]!);   // only [0,2) adjusted: TP 2 of 4
    }

    [Fact]
    public void BadThresholdIsAUsageError()
    {
        string s = files.Write("s.csv", Scores), l = files.Write("l.csv", Labels);
        var (code, _, err) = Run("eval", "--scores", s, "--labels", l, "--threshold", "abc");
        Assert.Equal(2, code);
        Assert.Contains("--threshold", err);
    }
}
