using RnnEngine.Engine.Tests.Support;
using RnnEngine.Engine.Tests.Models;
using Xunit;

namespace RnnEngine.Engine.Tests.Cli;

public sealed class EvalCommandTests : IDisposable
{
    private readonly TempFiles files = new();
    public void Dispose() => files.Dispose();

    private static (int Code, string Out, string Err) Run(params string[] args) => CliRunner.Run(args);

    // Rows 0-1 are warm-up. Scored: 0.9(+), 0.2(-), 0.4(+), 0.4(-).
    // ROC AUC: 0.9 beats both negatives (2), 0.4 beats 0.2 and ties 0.4 (1.5) -> 3.5 / 4 = 0.875.
    // AP: 0.9 -> recall 1/2 at precision 1; the tied 0.4s -> recall 1 at precision 2/3 -> 0.5 + 0.5 * 2/3 = 0.833333.
    private const string Scores = "index,score,is_anomaly\n0,,\n1,,\n2,0.9,1\n3,0.2,0\n4,0.4,1\n5,0.4,0\n";
    private const string Expected = "{\"count\":4,\"skipped\":2,\"positives\":2,\"roc_auc\":0.875,\"pr_auc\":0.833333,"
        + "\"precision\":1,\"recall\":1,\"f1\":1,\"tp\":2,\"fp\":0,\"tn\":2,\"fn\":0}";

    [Theory]
    [InlineData("index,label\n5,0\n4,1\n3,0\n2,1\n1,0\n0,0\n")]
    [InlineData("label\n0\n0\n1\n0\nanomaly\nnormal\n")]
    [InlineData("0\n0\ntrue\nfalse\n1\n0\n")]
    public void MetricsByHandForEachLabelLayout(string labels)
    {
        string s = files.Write("scores.csv", Scores);
        string l = files.Write("labels.csv", labels);
        string o = files.PathOf("metrics.json");
        var (code, output, err) = Run("eval", "--scores", s, "--labels", l, "--out", o);
        Assert.True(code == 0, err);
        // the flat keys come first, unchanged; the suite's nested objects follow (EvalSuiteCommandTests)
        string flat = Expected[..^1] + ",";
        Assert.StartsWith(flat, output.Trim());
        Assert.Equal(output.Trim(), File.ReadAllText(o).Trim());
    }

    [Fact]
    public void WithoutDecisionsOnlyRankingMetrics()
    {
        string s = files.Write("s.csv", "index,score\n0,0.1\n1,0.7\n");
        string l = files.Write("l.csv", "0\n1\n");
        var (code, output, _) = Run("eval", "--scores", s, "--labels", l);
        Assert.Equal(0, code);
        Assert.StartsWith("{\"count\":2,\"skipped\":0,\"positives\":1,\"roc_auc\":1,\"pr_auc\":1,\"ranking\":", output.Trim());
        Assert.DoesNotContain("\"f1\":", output.Split("\"oracle\"")[0]);   // no decisions: no threshold-based family outside the oracle
    }

    [Theory]
    [InlineData("index,score,is_anomaly\n0,0.5,1\n1,abc,0\n", "0\n1\n", "scores.csv: row 3, column 'score' (#2): expected a finite number")]
    [InlineData("index,score,is_anomaly\n0,0.5,1\n1,0.2\n", "0\n1\n", "scores.csv: row 3: ragged row")]
    [InlineData("index,value\n0,0.5\n", "0\n", "scores.csv: row 1, column 'score': missing column")]
    [InlineData("index,score\n0,0.5\n7,0.2\n", "0\n1\n", "labels.csv: no label for index 7")]
    [InlineData("index,score\n0,0.5\n", "0\nmaybe\n", "labels.csv: row 2, column #1: expected a label")]
    [InlineData("index,score\n0,0.5\n", "", "labels.csv: empty file")]
    public void DataErrorsExitTwoWithOneLineAndNoOutputFile(string scores, string labels, string expected)
    {
        string s = files.Write("scores.csv", scores);
        string l = files.Write("labels.csv", labels);
        string o = files.PathOf("metrics.json");
        var (code, output, err) = Run("eval", "--scores", s, "--labels", l, "--out", o);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains(expected, err);
        Assert.Single(err.TrimEnd('\n').Split('\n'));
        Assert.False(File.Exists(o));
    }

    [Fact]
    public void MissingFileAndMissingOption()
    {
        var (code, _, err) = Run("eval", "--scores", files.PathOf("none.csv"), "--labels", files.PathOf("none2.csv"));
        Assert.Equal(2, code);
        Assert.Contains("none.csv: file not found", err);
        string sc = files.Write("s.csv", "index,score\n0,0.5\n1,0.1\n");
        string lb = files.Write("l.csv", "1\n0\n");
        (code, _, err) = Run("eval", "--scores", sc, "--labels", lb, "--out", Path.Combine(files.Dir, "no-such-dir", "m.json"));
        Assert.Equal(2, code);
        Assert.Contains("does not exist", err);   // found before any work, by the output-path check
        (code, _, err) = Run("eval", "--labels", "x");
        Assert.Equal(2, code);
        Assert.Contains("--scores", err);
    }
}
