using System.Globalization;
using System.Text;
using System.Text.Json;
using RnnEngine.Engine.Tests.Models;
using RnnEngine.Engine.Tests.Support;
using RnnEngine.Models.Data;
using RnnEngine.Models.Detection;
using RnnEngine.Models.Training;
using Xunit;

namespace RnnEngine.Engine.Tests.Runner;

/// <summary>`train`/`score`/`eval` with seed 002's next-row predictors on a numeric CSV; checkpoint round trip; bad input.</summary>
public sealed class NextStepCliTests : IDisposable
{
    private readonly TempFiles files = new();

    public void Dispose() => files.Dispose();

    private static (int Code, string Out, string Err) Cli(params string[] args) => CliRunner.Run(args);

    /// <summary>Two periodic columns; rows [spikeFrom, spikeFrom + 10) of column a jump by 2.5 (a pattern break no
    /// next-row prediction from normal history can follow).</summary>
    private string Csv(string name, int rows, int spikeFrom = -1)
    {
        var rng = new Random(7);
        var sb = new StringBuilder("t,a,b\n");
        for (int i = 0; i < rows; i++)
        {
            double lift = spikeFrom >= 0 && i >= spikeFrom && i < spikeFrom + 10 ? 2.5 : 0;
            sb.Append(CultureInfo.InvariantCulture, $"{i},{Math.Sin(i / 5.0) + 0.02 * rng.NextDouble() + lift:F5},{Math.Cos(i / 7.0):F5}\n");
        }
        return files.Write(name, sb.ToString());
    }

    [Theory]
    [InlineData("next-step-lstm")]
    [InlineData("next-step-gru")]
    public void TrainScoreEvalRanksTheInjectedJumpAboveNormalRows(string kind)
    {
        string train = Csv("train.csv", 500), test = Csv("test.csv", 200, spikeFrom: 120);
        string model = files.PathOf(kind + ".model"), scores = files.PathOf("scores.csv"), labels = files.PathOf("labels.csv");
        File.WriteAllLines(labels, Enumerable.Range(0, 200).Select(i => i >= 120 && i < 130 ? "1" : "0"));
        var t = Cli("train", "--data", train, "--columns", "a,b", "--model", kind, "--window", "8", "--hidden", "8",
            "--epochs", "4", "--device", "cpu", "--out", model, "--quiet");
        Assert.True(t.Code == 0, t.Err);
        var s = Cli("score", "--model", model, "--data", test, "--out", scores, "--device", "cpu");
        Assert.True(s.Code == 0, s.Err);

        string[] lines = File.ReadAllLines(scores);
        Assert.Equal(201, lines.Length);
        // row t is predicted from the 8 rows before it: rows 0..7 have no score, row 8 has
        for (int i = 0; i < 8; i++) Assert.Equal($"{i},,", lines[1 + i]);
        Assert.NotEqual("8,,", lines[9]);
        double[] score = [.. lines.Skip(9).Select(l => double.Parse(l.Split(',')[1], CultureInfo.InvariantCulture))];
        // the jump's rows rank above the normal rows before it (rank-based: the score's scale is the error model's)
        double[] jump = [.. score.Skip(120 - 8).Take(10)], normal = [.. score.Take(100)];
        double auc = RnnEngine.Models.Metrics.RankingMetrics.RocAuc([.. jump, .. normal], [.. jump.Select(_ => true), .. normal.Select(_ => false)]);
        Assert.True(auc > 0.95, $"jump rows rank above normal ones with ROC AUC {auc:F3} (mean {jump.Average():G4} against {normal.Average():G4})");

        var e = Cli("eval", "--scores", scores, "--labels", labels);
        Assert.True(e.Code == 0, e.Err);
        using var json = JsonDocument.Parse(e.Out);
        Assert.Equal(8, json.RootElement.GetProperty("skipped").GetInt32());
        Assert.True(json.RootElement.GetProperty("roc_auc").GetDouble() > 0.9, e.Out);
    }

    [Theory]
    [InlineData("next-step-lstm")]
    [InlineData("next-step-gru")]
    public void CheckpointLoadThenScoreGivesIdenticalScores(string kind)
    {
        var rng = new Random(3);
        var values = new float[240 * 2];
        for (int i = 0; i < values.Length; i++) values[i] = (float)(Math.Sin(i / 6.0) + 0.1 * rng.NextDouble());
        var series = new Series(values, 2, null, "synthetic", ["a", "b"]);
        var config = new DetectorConfig { Model = kind, Window = 6, Features = 2, Hidden = 6, Seed = 9, Columns = ["a", "b"] };
        var backend = TestBackends.Get("cpu");
        using var trained = AnomalyDetector.Train(backend, series, config, new TrainOptions { Epochs = 2, BatchSize = 8 }, null);
        double[] before = trained.ScoreRows(series);
        string path = files.PathOf(kind + ".safetensors");
        DetectorFile.Save(trained, path);
        using var loaded = DetectorFile.Load(backend, path);
        Assert.Equal(kind, loaded.Config.Model);
        Assert.Equal(before, loaded.ScoreRows(series));
        Assert.Equal(trained.Threshold, loaded.Threshold);
        Assert.Equal(6, before.Count(double.IsNaN));
    }

    [Fact]
    public void BadCellWhenScoringExitsTwoNamingFileRowColumnAndWritesNothing()
    {
        string model = files.PathOf("m.model");
        Assert.Equal(0, Cli("train", "--data", Csv("train.csv", 200), "--columns", "a,b", "--model", "next-step-gru", "--window", "4",
            "--hidden", "4", "--epochs", "1", "--device", "cpu", "--out", model, "--quiet").Code);
        string bad = files.Write("bad.csv", "t,a,b\n0,1,2\n1,2,3\n2,x,4\n");
        var r = Cli("score", "--model", model, "--data", bad, "--out", files.PathOf("never.csv"), "--device", "cpu");
        Assert.Equal(2, r.Code);
        string line = r.Err.Trim();
        Assert.DoesNotContain('\n', line);
        Assert.Contains("bad.csv", line);
        Assert.Contains("row 4", line);
        Assert.Contains("'a'", line);
        Assert.Empty(Directory.GetFiles(files.Dir, "never*"));
    }
}
