using System.Globalization;
using System.Text.Json;
using RnnEngine.Engine.Tests.Models;
using RnnEngine.Engine.Tests.Support;
using RnnEngine.Models.Data.Seeds;
using Xunit;

namespace RnnEngine.Engine.Tests.Runner;

/// <summary>`train`/`score --format trace`: seed 002's next-step predictor on program-trace JSON (labels from the
/// interval label JSON), bad input.</summary>
public sealed class TraceFormatCliTests : IDisposable
{
    private readonly TempFiles files = new();

    public void Dispose() => files.Dispose();

    private static (int Code, string Out, string Err) Cli(params string[] args) => CliRunner.Run(args);

    private ProgramTraceSyntheticData Write(string name, int cycles, int faults, ulong seed)
    {
        var d = ProgramTraceSynthetic.Generate(new ProgramTraceSyntheticOptions { Cycles = cycles, Faults = faults, Seed = seed });
        ProgramTraceWriter.WriteTrace(files.PathOf(name + ".json"), d.Trace);
        ProgramTraceWriter.WriteLabels(files.PathOf(name + "_labels.json"), name, d.Trace.Intervals);
        return d;
    }

    [Fact]
    public void TrainScoreEvalRanksFaultEventsAboveNormalOnes()
    {
        Write("train", 120, 0, 1001);
        ProgramTraceSyntheticData test = Write("test", 120, 6, 1);
        string model = files.PathOf("trace.model"), scores = files.PathOf("scores.csv"), labels = files.PathOf("labels.csv");
        var t = Cli("train", "--data", files.PathOf("train.json"), "--labels", files.PathOf("train_labels.json"), "--format", "trace",
            "--model", "next-step-lstm", "--window", "16", "--hidden", "16", "--epochs", "6", "--lr", "0.005", "--device", "cpu", "--out", model, "--quiet");
        Assert.True(t.Code == 0, t.Err);
        Assert.Contains("x 17 features", t.Out);
        var s = Cli("score", "--model", model, "--data", files.PathOf("test.json"), "--out", scores, "--device", "cpu");
        Assert.True(s.Code == 0, s.Err);

        string[] lines = File.ReadAllLines(scores);
        bool[] truth = test.Trace.Labels!;
        Assert.Equal(truth.Length + 1, lines.Length);
        var fault = new List<double>();
        var normal = new List<double>();
        for (int i = 16; i < truth.Length; i++)
            (truth[i] ? fault : normal).Add(double.Parse(lines[1 + i].Split(',')[1], CultureInfo.InvariantCulture));
        Assert.True(fault.Average() > 2 * normal.Average(), $"mean score {fault.Average():G4} on fault events, {normal.Average():G4} on the others");

        File.WriteAllLines(labels, truth.Select(l => l ? "1" : "0"));
        var e = Cli("eval", "--scores", scores, "--labels", labels);
        Assert.True(e.Code == 0, e.Err);
        using var json = JsonDocument.Parse(e.Out);
        Assert.True(json.RootElement.GetProperty("roc_auc").GetDouble() > 0.6, e.Out);
    }

    [Fact]
    public void BadEventAndContradictingOptionsExitTwo()
    {
        string bad = files.Write("bad.json", "[[1, 10.0], [2, 20.0], [3, \"late\"]]");
        var r = Cli("train", "--data", bad, "--format", "trace", "--model", "next-step-gru", "--device", "cpu", "--out", files.PathOf("never.model"));
        Assert.Equal(2, r.Code);
        string line = r.Err.Trim();
        Assert.DoesNotContain('\n', line);
        Assert.Contains("bad.json", line);
        Assert.Contains("row 3", line);
        Assert.Empty(Directory.GetFiles(files.Dir, "never*"));

        string outOfRange = files.Write("ids.json", "[[1, 10.0], [16, 20.0]]");
        var ids = Cli("train", "--data", outOfRange, "--format", "trace", "--model", "next-step-gru", "--device", "cpu", "--out", files.PathOf("never.model"));
        Assert.Equal(2, ids.Code);
        Assert.Contains("row 2", ids.Err);

        var columns = Cli("train", "--data", outOfRange, "--format", "trace", "--columns", "a", "--model", "lstm-ae", "--out", files.PathOf("never.model"));
        Assert.Equal(2, columns.Code);
        Assert.Contains("--columns", columns.Err);
    }
}
