using System.Globalization;
using System.Text;
using RnnEngine.Engine.Tests.Models;
using RnnEngine.Engine.Tests.Support;
using RnnEngine.Models.Checkpoint;
using RnnEngine.Models.Data;
using RnnEngine.Models.Detection;
using RnnEngine.Models.Streaming;
using Xunit;

namespace RnnEngine.Engine.Tests.Streaming;

/// <summary>`stream --feedback`: seed 001's updating on any stream, from a checkpoint alone.</summary>
[Collection(nameof(SerialCollection))]
public sealed class StreamFeedbackTests : IDisposable
{
    private const int Anomaly = 600;
    private readonly TempFiles files = new();

    public void Dispose() => files.Dispose();

    /// <summary>A normal regime (the training one), a labelled level shift at rows 600-629, then a new normal regime
    /// that the trained model flags: its windows fill the hard-normal buffer.</summary>
    private (string Model, string Stream, string Labels) Setup()
    {
        var rng = new Random(5);
        (double, double) Normal(int i) => (Math.Sin(i / 9.0) + 0.05 * rng.NextDouble(), Math.Cos(i / 13.0) + 0.05 * rng.NextDouble());
        var train = new StringBuilder("a,b\n");
        for (int i = 0; i < 1500; i++) { var (a, b) = Normal(i); train.Append(CultureInfo.InvariantCulture, $"{a:F5},{b:F5}\n"); }
        var stream = new StringBuilder("a,b\n");
        var labels = new StringBuilder("index,label\n");
        for (int i = 0; i < 2400; i++)
        {
            var (a, b) = i < Anomaly + 30 ? Normal(i) : (1.8 * Math.Sin(i / 4.0), 0.5 * Math.Cos(i / 6.0));
            bool y = i is >= Anomaly and < Anomaly + 30;
            if (y) a += 3;
            stream.Append(CultureInfo.InvariantCulture, $"{a:F5},{b:F5}\n");
            labels.Append(CultureInfo.InvariantCulture, $"{i},{(y ? 1 : 0)}\n");
        }
        files.Write("train.csv", train.ToString());
        string model = files.PathOf("m");
        var r = CliRunner.Run("train", "--data", files.PathOf("train.csv"), "--model", "encdec-ad", "--window", "16", "--hidden", "16",
            "--epochs", "5", "--ensemble", "1", "--device", "cpu", "--out", model);
        Assert.True(r.Code == 0, r.Err);
        return (model, files.Write("stream.csv", stream.ToString()), files.Write("labels.csv", labels.ToString()));
    }

    private static string[] ScoreLines(string output) => [.. output.Split('\n').Where(l => l.Length > 0 && char.IsDigit(l[0]))];

    [Fact]
    public void ScoresMoveOnlyAfterAnUpdateThatFollowsTheFirstLabelledAnomaly()
    {
        var (model, stream, labels) = Setup();
        var still = CliRunner.Run("stream", "--model", model, "--input", stream, "--device", "cpu");
        var fed = CliRunner.Run("stream", "--model", model, "--input", stream, "--feedback", labels, "--device", "cpu");
        Assert.True(fed.Code == 0, fed.Err);
        string[] a = ScoreLines(still.Out), b = ScoreLines(fed.Out);
        Assert.Equal(a.Length, b.Length);
        int first = Enumerable.Range(0, a.Length).First(i => a[i] != b[i]);   // throws when nothing moved
        Assert.True(first >= Anomaly, $"a score moved at row {first}, before the first labelled anomaly at {Anomaly}");
        Assert.Contains("update 1 after row", fed.Err);
        // the updated network fits the stream after it better than the static one: its errors, so its scores, are lower
        double Mean(string[] lines) => lines.Skip(Anomaly + 200).Average(l => double.Parse(l.Split(',')[1], CultureInfo.InvariantCulture));
        Assert.True(Mean(b) < Mean(a), $"mean score after the update {Mean(b)}, static {Mean(a)}");
    }

    [Fact]
    public void WithoutAnAnomalyRequiredTheFirstUpdateComesEarlierButNeverBeforeItsBatchIsLabelled()
    {
        var (model, stream, labels) = Setup();
        var fed = CliRunner.Run("stream", "--model", model, "--input", stream, "--feedback", labels, "--device", "cpu",
            "--online-require-anomaly", "no", "--online-buffer", "1", "--online-hard", "1");
        Assert.True(fed.Code == 0, fed.Err);
        Assert.Contains("update 1 after row", fed.Err);
    }

    [Fact]
    public void RelearningRefitsTheCalibrationOnHeldOutRowsAfterAnUpdate()
    {
        var (model, stream, labels) = Setup();
        var still = CliRunner.Run("stream", "--model", model, "--input", stream, "--device", "cpu");
        var fed = CliRunner.Run("stream", "--model", model, "--input", stream, "--feedback", labels, "--device", "cpu", "--online-threshold", "relearn");
        Assert.True(fed.Code == 0, fed.Err);
        Assert.Contains("error model and threshold refitted on", fed.Err);
        string[] a = ScoreLines(still.Out), b = ScoreLines(fed.Out);
        int first = Enumerable.Range(0, a.Length).First(i => a[i] != b[i]);
        Assert.True(first >= Anomaly, $"a score moved at row {first}, before the first labelled anomaly at {Anomaly}");
    }

    [Fact]
    public void UpdatingOptionsWithoutFeedbackAndUnsupportedModesAreUsageErrors()
    {
        var (model, stream, labels) = Setup();
        var lone = CliRunner.Run("stream", "--model", model, "--input", stream, "--online-batch", "2");
        Assert.Equal(2, lone.Code);
        Assert.Contains("--online-batch does nothing without --feedback", lone.Err);
        var background = CliRunner.Run("stream", "--model", model, "--input", stream, "--feedback", labels, "--online-mode", "background");
        Assert.Equal(2, background.Code);
        Assert.Contains("synchronously", background.Err);
    }

    [Fact]
    public void AModelWithoutItsTrainingSampleSaysSoUnlessRehearsalIsOff()
    {
        var (model, stream, labels) = Setup();
        var c = ModelCheckpoint.Load(model);
        Assert.Contains(c.Parameters, a => a.Name == DetectorFile.RehearsalName);
        Assert.Contains(c.Parameters, a => a.Name == DetectorFile.ReferenceName);
        (c with { Parameters = [.. c.Parameters.Where(a => a.Name != DetectorFile.RehearsalName)] }).Save(model);
        var refused = CliRunner.Run("stream", "--model", model, "--input", stream, "--feedback", labels, "--device", "cpu");
        Assert.Equal(2, refused.Code);
        Assert.Contains("train it again", refused.Err);
        var plain = CliRunner.Run("stream", "--model", model, "--input", stream, "--feedback", labels, "--device", "cpu", "--online-rehearse", "no");
        Assert.True(plain.Code == 0, plain.Err);
    }

    [Fact]
    public async Task FollowingWaitsForLabelsThatArriveLater()
    {
        var (model, stream, labels) = Setup();
        string[] all = File.ReadAllLines(labels);
        string growing = files.Write("growing.csv", string.Join("\n", all.Take(Anomaly + 1)) + "\n");   // the header and rows 0..599
        using var cancel = new CancellationTokenSource();
        var stdout = new StringWriter();
        var stderr = new LockedWriter();
        var task = Task.Run(() => RnnEngine.Cli.Cli.Run(["stream", "--model", model, "--input", stream, "--follow", "--feedback", growing, "--device", "cpu"],
            TextWriter.Synchronized(stdout), stderr, null, cancel.Token));
        await Task.Delay(1500);
        Assert.False(task.IsCompleted);                      // waiting for the label of row 600
        Assert.DoesNotContain("update", stderr.ToString());  // nothing to update from yet
        File.AppendAllLines(growing, all.Skip(Anomaly + 1));
        Assert.True(SpinWait.SpinUntil(() => stderr.ToString().Contains("update 1 after row"), 30_000), stderr.ToString());
        cancel.Cancel();
        Assert.Equal(0, await task);
    }

    private sealed class LockedWriter : TextWriter
    {
        private readonly StringBuilder sb = new();
        public override Encoding Encoding => Encoding.UTF8;
        public override void Write(char value) { lock (sb) sb.Append(value); }
        public override void Write(string? value) { lock (sb) sb.Append(value); }
        public override string ToString() { lock (sb) return sb.ToString(); }
    }

    [Fact]
    public void LabelsAreReadInOrderAndBadLinesAreNamed()
    {
        string path = files.Write("l.csv", "index,label\n0,0\n1,anomaly\n3,1\n");
        using (var l = new FeedbackLabels(path, follow: false, CancellationToken.None))
        {
            Assert.True(l.TryRead(0, out bool a) && !a);
            Assert.True(l.TryRead(1, out bool b) && b);
            var e = Assert.Throws<DataFormatException>(() => l.TryRead(2, out _));
            Assert.Contains("line 4", e.Message.Replace("row 4", "line 4"));
            Assert.Contains("expected row 2", e.Message);
        }
        using (var l = new FeedbackLabels(files.Write("short.csv", "0,1\n"), follow: false, CancellationToken.None))
        {
            Assert.True(l.TryRead(0, out bool a) && a);
            Assert.False(l.TryRead(1, out _));   // the labels ended
        }
    }
}
