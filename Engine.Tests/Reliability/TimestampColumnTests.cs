using RnnEngine.Engine.Tests.Models;
using RnnEngine.Engine.Tests.Support;
using RnnEngine.Models.Data;
using Xunit;

namespace RnnEngine.Engine.Tests.Reliability;

/// <summary>A column of dates is the series' clock, not a feature; a bad date is an error naming its cell.</summary>
public sealed class TimestampColumnTests : IDisposable
{
    private readonly TempFiles files = new();

    public void Dispose() => files.Dispose();

    [Fact]
    public void ADateColumnIsKeptOutOfTheValuesAndGivesTheTimes()
    {
        var r = CsvSeriesReader.ReadText("timestamp,a,b\n2014-05-14 01:14:00,1,2\n2014-05-14 01:19:00,3,4\n", "t.csv");
        Assert.Equal(["a", "b"], r.Series.ColumnNames);
        Assert.Equal([1f, 2f, 3f, 4f], r.Series.Values);
        Assert.Equal("timestamp", r.Series.TimestampColumn);
        Assert.Equal([new DateTime(2014, 5, 14, 1, 14, 0, DateTimeKind.Utc), new DateTime(2014, 5, 14, 1, 19, 0, DateTimeKind.Utc)], r.Series.Timestamps!);
        Assert.Equal(r.Series.Timestamps![1], r.Series.Slice(1, 1).Timestamps![0]);
    }

    [Fact]
    public void DroppedRowsTakeTheirTimesWithThem()
    {
        var r = CsvSeriesReader.ReadText("time,a\n2020-01-01T00:00:00Z,1\n2020-01-01T00:01:00Z,NA\n2020-01-01T00:02:00Z,3\n", "t.csv",
            new CsvReadOptions { Missing = MissingPolicy.Drop });
        Assert.Equal(2, r.Series.Timestamps!.Length);
        Assert.Equal(2, r.Series.Timestamps[1].Minute);
    }

    [Fact]
    public void NumbersAndWordsAreNotDates()
    {
        // epoch seconds stay a numeric column; a text column is still an error naming its cell
        Assert.Null(CsvSeriesReader.ReadText("t,a\n1400000000,1\n1400000300,2\n", "n.csv").Series.Timestamps);
        var e = Assert.Throws<DataFormatException>(() => CsvSeriesReader.ReadText("host,a\nweb-1,1\n", "w.csv"));
        Assert.Contains("'host'", e.Message);
    }

    [Fact]
    public void ABadDateLaterInTheColumnNamesRowAndColumn()
    {
        var e = Assert.Throws<DataFormatException>(() => CsvSeriesReader.ReadText("timestamp,a\n2014-05-14 01:14:00,1\nyesterday,2\n", "t.csv"));
        Assert.Contains("row 3", e.Message);
        Assert.Contains("'timestamp'", e.Message);
    }

    [Fact]
    public void TrainAndScoreReadADatedCsvAndPlotIt()
    {
        var lines = new List<string> { "timestamp,value" };
        var start = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        for (int i = 0; i < 600; i++)
            lines.Add($"{start.AddMinutes(5 * i):yyyy-MM-dd HH:mm:ss},{Math.Sin(i / 6.0) + (i >= 500 && i < 520 ? 3 : 0):F4}");
        File.WriteAllLines(files.PathOf("d.csv"), lines);
        File.WriteAllLines(files.PathOf("train.csv"), lines.Take(401));
        var train = CliRunner.Run("train", "--data", files.PathOf("train.csv"), "--model", "lstm-ae", "--window", "12", "--hidden", "8",
            "--epochs", "2", "--ensemble", "1", "--device", "cpu", "--out", files.PathOf("m"));
        Assert.True(train.Code == 0, train.Err);
        Assert.Contains("column 'timestamp' holds dates", train.Err);
        var score = CliRunner.Run("score", "--model", files.PathOf("m"), "--data", files.PathOf("d.csv"), "--out", files.PathOf("s.csv"),
            "--plot", files.PathOf("p.png"), "--device", "cpu");
        Assert.True(score.Code == 0, score.Err);
        byte[] png = File.ReadAllBytes(files.PathOf("p.png"));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        Assert.True(png.Length > 10_240, $"{png.Length} bytes");
        Assert.Equal(601, File.ReadAllLines(files.PathOf("s.csv")).Length);
    }

    [Fact]
    public void ScoreLabelsWithoutAPlotAndAPlotOverTheScoresAreRefusedBeforeAnyWork()
    {
        File.WriteAllText(files.PathOf("d.csv"), "a\n1\n2\n");
        var labels = CliRunner.Run("score", "--model", files.PathOf("m"), "--data", files.PathOf("d.csv"), "--out", files.PathOf("s.csv"),
            "--labels", files.PathOf("d.csv"));
        Assert.Equal(2, labels.Code);
        Assert.Contains("--plot", labels.Err);
        var same = CliRunner.Run("score", "--model", files.PathOf("m"), "--data", files.PathOf("d.csv"), "--out", files.PathOf("s.csv"),
            "--plot", files.PathOf("s.csv"));
        Assert.Equal(2, same.Code);
        Assert.Contains("--plot", same.Err);
        Assert.False(File.Exists(files.PathOf("s.csv")));
    }
}
