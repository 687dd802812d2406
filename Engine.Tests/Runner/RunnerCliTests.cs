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

/// <summary>train -> score on a small synthetic CSV, checkpoint round trips, bad-input exit codes, and `run` outputs.</summary>
public sealed class RunnerCliTests : IDisposable
{
    private readonly TempFiles files = new();

    public void Dispose() => files.Dispose();

    private static (int Code, string Out, string Err) Cli(params string[] args) => CliRunner.Run(args);

    /// <summary>Two noisy periodic columns; rows [shiftFrom, shiftTo) of column a are lifted by 3.</summary>
    private string SyntheticCsv(string name, int rows, int shiftFrom = -1, int shiftTo = -1)
    {
        var rng = new Random(5);
        var sb = new StringBuilder("t,a,b\n");
        for (int i = 0; i < rows; i++)
        {
            double s = i >= shiftFrom && i < shiftTo ? 3.0 : 0.0;
            sb.Append(CultureInfo.InvariantCulture, $"{i},{Math.Sin(i / 5.0) + 0.05 * (rng.NextDouble() - 0.5) + s:F5},{Math.Cos(i / 7.0) + 0.05 * (rng.NextDouble() - 0.5):F5}\n");
        }
        return files.Write(name, sb.ToString());
    }

    [Fact]
    public void TrainThenScoreFlagsTheLevelShift()
    {
        string train = SyntheticCsv("train.csv", 600);
        string test = SyntheticCsv("test.csv", 300, 200, 240);
        string model = files.PathOf("m.safetensors"), scores = files.PathOf("scores.csv");
        var t = Cli("train", "--data", train, "--columns", "a,b", "--model", "lstm-ae", "--window", "8", "--hidden", "8",
            "--epochs", "3", "--device", "cpu", "--out", model, "--quiet");
        Assert.True(t.Code == 0, t.Err);
        var s = Cli("score", "--model", model, "--data", test, "--out", scores, "--device", "cpu");
        Assert.True(s.Code == 0, s.Err);

        string[] lines = File.ReadAllLines(scores);
        Assert.Equal("index,score,is_anomaly", lines[0]);
        Assert.Equal(301, lines.Length);
        for (int i = 0; i < 7; i++) Assert.Equal($"{i},,", lines[1 + i]);
        // the shift is one event: most of its rows flagged, nothing before it, and the flags after it continue the
        // event (smoothing and the event gap hold the alarm a while) rather than start another
        int inShift = 0, before = 0, events = 0;
        bool previous = false;
        for (int i = 7; i < 300; i++)
        {
            string[] cells = lines[1 + i].Split(',');
            Assert.Equal(i.ToString(CultureInfo.InvariantCulture), cells[0]);
            Assert.True(double.Parse(cells[1], CultureInfo.InvariantCulture) >= 0);
            bool flagged = cells[2] == "1";
            if (flagged && i >= 200 && i < 240) inShift++;
            if (flagged && i < 200) before++;
            if (flagged && !previous) events++;
            previous = flagged;
        }
        Assert.True(inShift >= 30 && before == 0 && events == 1, $"flagged {inShift} of the 40 shifted rows, {before} before them, in {events} events");
    }

    [Theory]
    [InlineData("encdec-ad")]
    [InlineData("lstm-ae")]
    [InlineData("gru-ae")]
    [InlineData("fc-ae")]
    public void CheckpointLoadThenScoreGivesIdenticalScores(string kind)
    {
        var rng = new Random(3);
        int n = 240;
        var values = new float[n * 2];
        for (int i = 0; i < values.Length; i++) values[i] = (float)(Math.Sin(i / 6.0) + 0.1 * rng.NextDouble());
        var series = new Series(values, 2, null, "synthetic", ["a", "b"]);
        var config = new DetectorConfig { Model = kind, Window = 6, Features = 2, Hidden = 5, Seed = 9, Columns = ["a", "b"] };
        var backend = TestBackends.Get("cpu");
        using var trained = AnomalyDetector.Train(backend, series, config, new TrainOptions { Epochs = 2, BatchSize = 8 }, null);
        double[] before = trained.ScoreRows(series);
        string path = files.PathOf(kind + ".safetensors");
        DetectorFile.Save(trained, path);
        using var loaded = DetectorFile.Load(backend, path);
        double[] after = loaded.ScoreRows(series);
        Assert.Equal(before, after);
        Assert.Equal(trained.Threshold, loaded.Threshold);
        Assert.Equal(5, before.Count(double.IsNaN));
    }

    [Fact]
    public void NonNumericCellExitsTwoNamingFileRowColumnAndWritesNothing()
    {
        string bad = files.Write("bad.csv", "a,b\n1,2\n3,oops\n5,6\n");
        string model = files.PathOf("never.safetensors");
        var r = Cli("train", "--data", bad, "--model", "fc-ae", "--window", "2", "--device", "cpu", "--out", model);
        Assert.Equal(2, r.Code);
        string line = r.Err.Trim();
        Assert.DoesNotContain('\n', line);
        Assert.Contains("bad.csv", line);
        Assert.Contains("row 3", line);
        Assert.Contains("'b'", line);
        Assert.False(File.Exists(model));
        Assert.Empty(Directory.GetFiles(files.Dir, "never*"));
    }

    [Fact]
    public void ScoringAFileWithoutTheTrainedColumnsExitsTwoAndWritesNothing()
    {
        string train = SyntheticCsv("train2.csv", 200);
        string model = files.PathOf("m2.safetensors"), scores = files.PathOf("s2.csv");
        Assert.Equal(0, Cli("train", "--data", train, "--columns", "a,b", "--model", "fc-ae", "--window", "4", "--hidden", "4",
            "--epochs", "1", "--device", "cpu", "--out", model, "--quiet").Code);
        string other = files.Write("other.csv", "x,y\n1,2\n3,4\n");
        var r = Cli("score", "--model", model, "--data", other, "--out", scores, "--device", "cpu");
        Assert.Equal(2, r.Code);
        Assert.Contains("other.csv", r.Err);
        Assert.Contains("'a'", r.Err);
        Assert.Empty(Directory.GetFiles(files.Dir, "s2*"));
    }

    [Fact]
    public void CorruptModelFileExitsTwo()
    {
        string model = files.Write("junk.safetensors", "this is not a model");
        string data = SyntheticCsv("d.csv", 50);
        var r = Cli("score", "--model", model, "--data", data, "--out", files.PathOf("s3.csv"), "--device", "cpu");
        Assert.Equal(2, r.Code);
        Assert.Contains("junk.safetensors", r.Err);
        Assert.False(File.Exists(files.PathOf("s3.csv")));
    }

    [Fact]
    public void TooFewRowsForTheWindowExitsTwo()
    {
        string data = SyntheticCsv("short.csv", 20);
        var r = Cli("train", "--data", data, "--model", "lstm-ae", "--window", "16", "--device", "cpu", "--out", files.PathOf("x.safetensors"));
        Assert.Equal(2, r.Code);
        Assert.Contains("short.csv", r.Err);
    }

    [Fact]
    public void RunPowerDemandWritesResultsAndPlot()
    {
        string outDir = Path.Combine(files.Dir, "pd");
        var r = Cli("run", "powerdemand", "--device", "cpu", "--epochs", "3", "--out", outDir, "--quiet");
        Assert.True(r.Code == 0, r.Err);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "results.json")));
        double auc = doc.RootElement.GetProperty("roc_auc").GetDouble();
        Assert.InRange(auc, 0, 1);
        Assert.Equal(39, doc.RootElement.GetProperty("models")[0].GetProperty("test_windows").GetInt32());
        byte[] png = File.ReadAllBytes(Path.Combine(outDir, "encdec-ad.png"));
        Assert.Equal(new byte[] { 137, 80, 78, 71, 13, 10, 26, 10 }, png[..8]);
        Assert.True(png.Length > 10_000, $"{png.Length} bytes: a plot with text, not an empty frame");
        Assert.Contains("encdec-ad", r.Out);
    }
}
