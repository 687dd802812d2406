using System.Globalization;
using System.Text.Json;
using RnnEngine.Engine.Tests.Models;
using RnnEngine.Engine.Tests.Support;
using RnnEngine.Models.Data.Seeds;
using Xunit;

namespace RnnEngine.Engine.Tests.Runner;

/// <summary>`train`/`score --format swat` on SWaT exports written by <see cref="SwatCsvWriter"/>: labels from the
/// Normal/Attack column, --columns, --resample, bad cells and contradicting options.</summary>
public sealed class SwatFormatCliTests : IDisposable
{
    private const string Stage1 = "LIT101,FIT101,MV101,P101,FIT201";
    private readonly TempFiles files = new();

    public void Dispose() => files.Dispose();

    private static (int Code, string Out, string Err) Cli(params string[] args) => CliRunner.Run(args);

    /// <summary>A SWaT export of <paramref name="rows"/> 1 Hz rows; with <paramref name="spoofFrom"/> LIT101 reads
    /// 2,000 mm (its band is 500-800) for 60 rows, labelled Attack.</summary>
    private string Export(string name, int rows, ulong seed, int spoofFrom = -1)
    {
        IReadOnlyList<SwatAttack> schedule = spoofFrom < 0 ? [] :
            [new SwatAttack(new AnomalyInterval(spoofFrom, spoofFrom + 60, "attack"), SwatAttackKind.SensorSpoof, "LIT101", 2000f)];
        var g = SwatSynthetic.Generate(new SwatSyntheticOptions { Rows = rows, Schedule = schedule, Attacks = 0, Seed = seed });
        string path = files.PathOf(name);
        SwatCsvWriter.Write(path, g.Data);
        return path;
    }

    private (int Code, string Out, string Err) Train(string data, string model, params string[] extra) =>
        Cli([.. new[] { "train", "--data", data, "--format", "swat", "--columns", Stage1, "--model", "lstm-ae", "--window", "8",
            "--hidden", "8", "--epochs", "2", "--device", "cpu", "--out", model, "--quiet" }, .. extra]);

    [Fact]
    public void TrainScoreEvalFlagsTheSpoofedSensor()
    {
        string model = files.PathOf("swat.model"), scores = files.PathOf("scores.csv"), labels = files.PathOf("labels.csv");
        var t = Train(Export("normal.csv", 1500, 3), model);
        Assert.True(t.Code == 0, t.Err);
        Assert.Contains("x 5 features", t.Out);
        string test = Export("attack.csv", 600, 4, spoofFrom: 400);
        var s = Cli("score", "--model", model, "--data", test, "--out", scores, "--device", "cpu");
        Assert.True(s.Code == 0, s.Err);

        string[] lines = File.ReadAllLines(scores);
        Assert.Equal(601, lines.Length);
        double Mean(int from, int to) => lines.Skip(1 + from).Take(to - from).Average(l => double.Parse(l.Split(',')[1], CultureInfo.InvariantCulture));
        double attack = Mean(400, 460), normal = Mean(100, 380);
        Assert.True(attack > 4 * normal, $"mean score {attack:G4} during the spoof, {normal:G4} before it");

        File.WriteAllLines(labels, Enumerable.Range(0, 600).Select(i => i >= 400 && i < 460 ? "1" : "0"));
        var e = Cli("eval", "--scores", scores, "--labels", labels);
        Assert.True(e.Code == 0, e.Err);
        using var json = JsonDocument.Parse(e.Out);
        Assert.True(json.RootElement.GetProperty("roc_auc").GetDouble() > 0.95, e.Out);

        // a swat model streams no plain CSV rows: one line, exit 2
        var st = Cli("stream", "--model", model, "--input", test, "--device", "cpu");
        Assert.Equal(2, st.Code);
        Assert.Contains("use score", st.Err);
    }

    [Fact]
    public void ResampledModelScoresOneRowPerBin()
    {
        string model = files.PathOf("r.model"), scores = files.PathOf("r.csv");
        Assert.Equal(0, Train(Export("normal.csv", 1200, 5), model, "--resample", "5").Code);
        var s = Cli("score", "--model", model, "--data", Export("other.csv", 300, 6), "--out", scores, "--device", "cpu");
        Assert.True(s.Code == 0, s.Err);
        Assert.Equal(300 / 5 + 1, File.ReadAllLines(scores).Length);
    }

    [Fact]
    public void BadLabelCellExitsTwoNamingFileRowColumnAndWritesNothing()
    {
        string data = Export("bad.csv", 400, 7);
        string[] rows = File.ReadAllLines(data);
        rows[5] = rows[5][..rows[5].LastIndexOf(',')] + ",Maybe";
        File.WriteAllLines(data, rows);
        var r = Train(data, files.PathOf("never.model"));
        Assert.Equal(2, r.Code);
        string line = r.Err.Trim();
        Assert.DoesNotContain('\n', line);
        Assert.Contains("bad.csv", line);
        Assert.Contains("row 6", line);
        Assert.Contains("'Normal/Attack'", line);
        Assert.Empty(Directory.GetFiles(files.Dir, "never*"));

        var labels = Train(Export("ok.csv", 400, 7), files.PathOf("never2.model"), "--labels", data);
        Assert.Equal(2, labels.Code);
        Assert.Contains("--labels", labels.Err);
    }
}
