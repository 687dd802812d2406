using System.Globalization;
using System.Text;
using System.Text.Json;
using RnnEngine.Engine.Tests.Models;
using RnnEngine.Engine.Tests.Support;
using Xunit;

namespace RnnEngine.Engine.Tests.Runner;

/// <summary>The detector's defaults through the CLI: column roles said on stderr, --window auto, the robust pass,
/// short training files, and eval's baselines on the same rows.</summary>
public sealed class DetectionDefaultsCliTests : IDisposable
{
    private readonly TempFiles files = new();

    public void Dispose() => files.Dispose();

    private static (int Code, string Out, string Err) Cli(params string[] args) => CliRunner.Run(args);

    /// <summary>A periodic measurement (period 20), a 0/1 command flag, a constant and a row clock; rows
    /// [shiftFrom, shiftTo) of the measurement are lifted by 3.</summary>
    private string Csv(string name, int rows, int shiftFrom = -1, int shiftTo = -1)
    {
        var rng = new Random(11);
        var sb = new StringBuilder("t,m,cmd,k\n");
        for (int i = 0; i < rows; i++)
        {
            double s = i >= shiftFrom && i < shiftTo ? 3.0 : 0.0;
            sb.Append(CultureInfo.InvariantCulture, $"{i},{Math.Sin(2 * Math.PI * i / 20) + 0.05 * (rng.NextDouble() - 0.5) + s:F5},{(i / 37) % 2},7\n");
        }
        return files.Write(name, sb.ToString());
    }

    [Fact]
    public void TrainSaysTheColumnRolesAndWindowAutoFindsThePeriod()
    {
        string model = files.PathOf("m.model");
        var t = Cli("train", "--data", Csv("train.csv", 600), "--window", "auto", "--hidden", "8", "--epochs", "2", "--device", "cpu", "--out", model);
        Assert.True(t.Code == 0, t.Err);
        Assert.Contains("window auto: 20 (period 20 rows", t.Err);
        Assert.Contains("flag cmd", t.Err);
        Assert.Contains("constant k", t.Err);
        Assert.Contains("timestamp t", t.Err);
        Assert.Contains("pot(risk=0.001", t.Out);
    }

    [Fact]
    public void ShortTrainingFileTrainsAndTheMessageNamesTheGivenWindow()
    {
        // 60 rows: the old 70/15/15 split needed 32 rows in the last 15 %; now the first 70 % need one span
        var ok = Cli("train", "--data", Csv("short.csv", 60), "--window", "16", "--hidden", "4", "--epochs", "2", "--device", "cpu",
            "--out", files.PathOf("short.model"), "--quiet");
        Assert.True(ok.Code == 0, ok.Err);
        var tooShort = Cli("train", "--data", Csv("tiny.csv", 20), "--window", "16", "--model", "next-step-lstm", "--epochs", "1", "--device", "cpu",
            "--out", files.PathOf("tiny.model"));
        Assert.Equal(2, tooShort.Code);
        Assert.Contains("window 16", tooShort.Err);
        Assert.DoesNotContain("window 17", tooShort.Err);
    }

    [Fact]
    public void ShortHeldOutTailIsReplacedByCrossFitting()
    {
        // 300 rows: the last 30 % are 90 rows (< 100), and each half holds 3 spans of 17
        string model = files.PathOf("cf.model");
        var t = Cli("train", "--data", Csv("cf.csv", 300), "--window", "16", "--hidden", "4", "--epochs", "2", "--ensemble", "1",
            "--device", "cpu", "--out", model);
        Assert.True(t.Code == 0, t.Err);
        Assert.Contains("2-fold cross-fitting over all 300 rows", t.Err);
        var s = Cli("score", "--model", model, "--data", Csv("cf2.csv", 100), "--out", files.PathOf("cf.csv.scores"), "--device", "cpu");
        Assert.True(s.Code == 0, s.Err);
    }

    [Fact]
    public void TrainReadsTheLabelLayoutsEvalReads()
    {
        string data = Csv("lab.csv", 300, 100, 120);
        string column = files.Write("col.csv", string.Join("\n", Enumerable.Range(0, 300).Select(i => i >= 100 && i < 120 ? "1" : "0")) + "\n");
        string indexed = files.Write("idx.csv", "index,label\n" + string.Join("\n", Enumerable.Range(0, 300).Reverse().Select(i => $"{i},{(i >= 100 && i < 120 ? "anomaly" : "normal")}")) + "\n");
        string a = files.PathOf("a.model"), b = files.PathOf("b.model");
        foreach ((string labels, string model) in new[] { (column, a), (indexed, b) })
        {
            var t = Cli("train", "--data", data, "--labels", labels, "--window", "8", "--hidden", "4", "--epochs", "2", "--ensemble", "1",
                "--device", "cpu", "--out", model, "--quiet");
            Assert.True(t.Code == 0, t.Err);
        }
        Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(b));
        string missing = files.Write("short.csv", "index,label\n0,1\n");
        var bad = Cli("train", "--data", data, "--labels", missing, "--window", "8", "--epochs", "1", "--device", "cpu", "--out", files.PathOf("c.model"));
        Assert.Equal(2, bad.Code);
        Assert.Contains("expected 300 labels", bad.Err);
    }

    [Fact]
    public void RobustPassDropsTheWorstTrainingWindowsAndStillScores()
    {
        string model = files.PathOf("r.model"), scores = files.PathOf("r.csv");
        // the training file itself holds an unlabelled shift
        var t = Cli("train", "--data", Csv("dirty.csv", 800, 300, 330), "--window", "16", "--hidden", "8", "--epochs", "3",
            "--robust-trim", "0.1", "--device", "cpu", "--out", model);
        Assert.True(t.Code == 0, t.Err);
        Assert.Matches(@"robust pass: \d+ of \d+ training windows", t.Err);
        var s = Cli("score", "--model", model, "--data", Csv("test.csv", 400, 200, 240), "--out", scores, "--device", "cpu");
        Assert.True(s.Code == 0, s.Err);
    }

    [Fact]
    public void EvalPrintsTheBaselinesFittedOnTheSameTrainingRows()
    {
        string data = Csv("all.csv", 1000, 800, 840), train = files.Write("train.csv", string.Join("\n", File.ReadLines(data).Take(701)) + "\n");
        string model = files.PathOf("e.model"), scores = files.PathOf("s.csv"), labels = files.PathOf("l.csv");
        File.WriteAllLines(labels, Enumerable.Range(0, 1000).Select(i => i >= 800 && i < 840 ? "1" : "0"));
        Assert.Equal(0, Cli("train", "--data", train, "--window", "16", "--hidden", "8", "--epochs", "3", "--device", "cpu", "--out", model, "--quiet").Code);
        Assert.Equal(0, Cli("score", "--model", model, "--data", data, "--out", scores, "--device", "cpu").Code);
        var e = Cli("eval", "--scores", scores, "--labels", labels, "--data", data, "--columns", "m", "--train-rows", "700");
        Assert.True(e.Code == 0, e.Err);
        using var doc = JsonDocument.Parse(e.Out);
        var b = doc.RootElement.GetProperty("baselines");
        foreach (string name in new[] { "raw_z", "t2" })
            Assert.InRange(b.GetProperty(name).GetProperty("roc_auc").GetDouble(), 0.9, 1.0);   // a lift by 3 sd is easy for both
        Assert.False(b.TryGetProperty("pca", out _));   // one column: PCA leaves no residual, so it is not reported
        Assert.Contains("baselines fitted on rows 0-699", e.Err);
        var bad = Cli("eval", "--scores", scores, "--labels", labels, "--data", data);
        Assert.Equal(2, bad.Code);
    }
}
