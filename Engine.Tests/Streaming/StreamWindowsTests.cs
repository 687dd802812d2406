using System.Globalization;
using RnnEngine.Engine.Tests.Models;
using RnnEngine.Engine.Tests.Support;
using RnnEngine.Models.Experiments;
using RnnEngine.Models.Online;
using Xunit;

namespace RnnEngine.Engine.Tests.Streaming;

/// <summary>`stream --feedback --windows` replays `run powerdemand --online` from the files the run writes.</summary>
[Collection(nameof(SerialCollection))]
public sealed class StreamWindowsTests : IDisposable
{
    private readonly TempFiles files = new();

    public void Dispose() => files.Dispose();

    [Fact]
    public void StreamFeedbackOnThePowerDemandStreamGivesTheOnlineRunsScores()
    {
        using var backend = Devices.Create("cpu");
        var result = PowerDemandExperiment.Run(backend, Path.Combine(DataReadingTests.RepoRoot(), "data"),
            new PowerDemandOptions { Online = new OnlineOptions(), ExportDir = files.Dir }, progress: null);
        double[] expected = result.Plots["encdec-ad-online"].Score;   // per stream row: its week's score with updates
        Assert.True(result.Updates.Count > 0, "the run made no update: nothing to compare after one");

        var (code, output, err) = CliRunner.Run("stream", "--model", files.PathOf("encdec-ad.model"), "--input", files.PathOf("stream.csv"),
            "--feedback", files.PathOf("stream-labels.csv"), "--windows", "--online-threshold", "relearn", "--device", "cpu");
        Assert.True(code == 0, err);
        Assert.Contains("update 1 after row", err);
        string[] lines = [.. output.Split('\n').Where(l => l.Length > 0 && char.IsDigit(l[0]))];
        Assert.Equal(expected.Length, lines.Length);
        int compared = 0;
        for (int i = 0; i < lines.Length; i++)
        {
            string cell = lines[i].Split(',')[1];
            if (double.IsNaN(expected[i])) { Assert.Equal("", cell); continue; }
            double got = double.Parse(cell, CultureInfo.InvariantCulture);
            Assert.True(Math.Abs(got - expected[i]) <= 1e-6 * Math.Max(1, Math.Abs(expected[i])), $"row {i}: stream {got}, run {expected[i]}");
            compared++;
        }
        Assert.True(compared > 3000, $"only {compared} rows compared");

        // updating in the background scores every row too, and says when its update took effect
        var background = CliRunner.Run("stream", "--model", files.PathOf("encdec-ad.model"), "--input", files.PathOf("stream.csv"),
            "--feedback", files.PathOf("stream-labels.csv"), "--windows", "--online-mode", "background", "--device", "cpu");
        Assert.True(background.Code == 0, background.Err);
        Assert.Contains("update 1", background.Err);
        Assert.Equal(lines.Length, background.Out.Split('\n').Count(l => l.Length > 0 && char.IsDigit(l[0])));
    }

    [Fact]
    public void WindowsNeedsFeedbackAndAGaussianReconstructionModel()
    {
        var lone = CliRunner.Run("stream", "--model", files.PathOf("m"), "--windows");
        Assert.Equal(2, lone.Code);
        Assert.Contains("--feedback", lone.Err);
    }
}
