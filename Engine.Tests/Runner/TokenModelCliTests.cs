using System.Globalization;
using System.Text.Json;
using RnnEngine.Engine.Tests.Models;
using RnnEngine.Engine.Tests.Support;
using RnnEngine.Models.Data.Seeds;
using RnnEngine.Models.Detection;
using RnnEngine.Models.Experiments;
using Xunit;

namespace RnnEngine.Engine.Tests.Runner;

/// <summary>`train`/`score`/`eval` with seed 004's gru-attention-seq2seq on .kev.csv traces; checkpoint round trip;
/// bad input; `stream` refusing the token model.</summary>
public sealed class TokenModelCliTests : IDisposable
{
    private readonly TempFiles files = new();
    private static readonly KernelEventVocabulary Vocab = KernelEventVocabulary.LoadBundled();

    public void Dispose() => files.Dispose();

    private static (int Code, string Out, string Err) Cli(params string[] args) => CliRunner.Run(args);

    private KernelEventSyntheticData Trace(string name, int ticks, int anomalies, ulong seed)
    {
        var d = KernelEventSynthetic.Generate(new KernelEventSyntheticOptions { Ticks = ticks, Anomalies = anomalies, Seed = seed }, Vocab);
        KernelEventCsvWriter.Write(files.PathOf(name), d);
        return d;
    }

    private string Train(string name, string train)
    {
        string model = files.PathOf(name);
        var t = Cli("train", "--data", train, "--model", "gru-attention-seq2seq", "--segment", "40", "--epochs", "2",
            "--windows-per-epoch", "4096", "--batch", "64", "--label-column", "label", "--device", "cpu", "--out", model, "--quiet");
        Assert.True(t.Code == 0, t.Err);
        Assert.Contains("wrote", t.Out);
        return model;
    }

    [Fact]
    public void TrainScoreEvalRanksInjectedEventsAboveCleanOnes()
    {
        Trace("train.kev.csv", 800, 0, 11);
        KernelEventSyntheticData test = Trace("test.kev.csv", 1000, 3, 12);
        string model = Train("seq.model", files.PathOf("train.kev.csv"));
        string scores = files.PathOf("scores.csv"), labels = files.PathOf("labels.csv");
        var s = Cli("score", "--model", model, "--data", files.PathOf("test.kev.csv"), "--out", scores, "--device", "cpu");
        Assert.True(s.Code == 0, s.Err);

        string[] lines = File.ReadAllLines(scores);
        Assert.Equal("index,score,is_anomaly", lines[0]);
        Assert.Equal(test.Trace.Length + 1, lines.Length);
        // the first window's 5 events are only input
        for (int i = 0; i < 5; i++) Assert.Equal($"{i},,", lines[1 + i]);
        bool[] truth = test.Trace.Labels!;
        var onAnomaly = new List<double>();
        var clean = new List<double>();
        for (int i = 0; i < truth.Length; i++)
        {
            string cell = lines[1 + i].Split(',')[1];
            if (cell.Length == 0) continue;
            (truth[i] ? onAnomaly : clean).Add(double.Parse(cell, CultureInfo.InvariantCulture));
        }
        Assert.NotEmpty(onAnomaly);
        Assert.True(onAnomaly.Average() > 2 * clean.Average() + 0.01, $"mean rate {onAnomaly.Average():G4} on injected events, {clean.Average():G4} on clean ones");

        File.WriteAllLines(labels, truth.Select(l => l ? "1" : "0"));
        var e = Cli("eval", "--scores", scores, "--labels", labels);
        Assert.True(e.Code == 0, e.Err);
        using var json = JsonDocument.Parse(e.Out);
        Assert.True(json.RootElement.GetProperty("roc_auc").GetDouble() > 0.8, e.Out);
        Assert.True(json.RootElement.GetProperty("recall").GetDouble() > 0.5, e.Out);
    }

    [Fact]
    public void CheckpointLoadThenScoreGivesIdenticalScores()
    {
        KernelEventTrace trace = Trace("t.kev.csv", 300, 0, 21).Trace;
        var config = new TokenDetectorConfig { SegmentWindows = 20, Embedding = 8, Hidden = 8, Seed = 4, Vocabulary = Vocab };
        var backend = TestBackends.Get("cpu");
        using var trained = TokenDetector.Train(backend, trace, config, TokenDetectorConfig.DefaultTraining with { Epochs = 1, ExamplesPerEpoch = 256, BatchSize = 32 }, null);
        double[] before = trained.ScoreEvents(trace);
        string path = files.PathOf("seq.safetensors");
        TokenDetectorFile.Save(trained, path);
        Assert.True(TokenDetectorFile.IsTokenModel(path));
        using var loaded = TokenDetectorFile.Load(backend, path);
        Assert.Equal(before, loaded.ScoreEvents(trace));
        Assert.Equal(trained.Threshold, loaded.Threshold);
        Assert.Equal(config.SegmentWindows, loaded.Config.SegmentWindows);
        Assert.Equal(5, before.TakeWhile(double.IsNaN).Count());
    }

    [Fact]
    public void EmptyEventCellExitsTwoNamingFileRowColumnAndWritesNothing()
    {
        string bad = files.Write("bad.kev.csv", "\"index\",\"class\",\"event\"\n\"0\",\"COMM\",\"SND_MESSAGE\"\n\"1\",\"THREAD\",\"\"\n");
        var r = Cli("train", "--data", bad, "--model", "gru-attention-seq2seq", "--device", "cpu", "--out", files.PathOf("never.model"));
        Assert.Equal(2, r.Code);
        string line = r.Err.Trim();
        Assert.DoesNotContain('\n', line);
        Assert.Contains("bad.kev.csv", line);
        Assert.Contains("row 3", line);
        Assert.Contains("'event'", line);
        Assert.Empty(Directory.GetFiles(files.Dir, "never*"));
    }

    [Fact]
    public void UnknownTokensAreCountedAndStreamRefusesTheTokenModel()
    {
        Trace("train.kev.csv", 300, 0, 31);
        string model = files.PathOf("seq.model");
        string vocabulary = Path.Combine(DataReadingTests.RepoRoot(), "data", "kernel_events_seed004", "event_vocabulary.json");
        Assert.Equal(0, Cli("train", "--data", files.PathOf("train.kev.csv"), "--model", "gru-attention-seq2seq", "--segment", "20",
            "--embedding", "8", "--hidden", "8", "--epochs", "1", "--windows-per-epoch", "256", "--batch", "32", "--device", "cpu",
            "--vocabulary", vocabulary, "--out", model, "--quiet").Code);
        string noStart = files.Write("nostart.json", "{\"oov_token\": \"400\", \"tokens\": [{\"token\": \"400\", \"index\": 1}]}");
        var badVocabulary = Cli("train", "--data", files.PathOf("train.kev.csv"), "--model", "gru-attention-seq2seq", "--vocabulary", noStart,
            "--device", "cpu", "--out", files.PathOf("never.model"));
        Assert.Equal(2, badVocabulary.Code);
        Assert.Contains("nostart.json", badVocabulary.Err);
        Assert.Contains("<start>", badVocabulary.Err);
        string[] rows = File.ReadAllLines(files.PathOf("train.kev.csv"));
        rows[10] = "\"9\",\"18\",\"0\",\"NEWCLASS\",\"NEW_EVENT\",\"0\"";
        string odd = files.Write("odd.kev.csv", string.Join('\n', rows) + "\n");
        var s = Cli("score", "--model", model, "--data", odd, "--out", files.PathOf("odd.csv"), "--device", "cpu");
        Assert.True(s.Code == 0, s.Err);
        Assert.Contains("1 events with 1 token(s) outside the vocabulary", s.Err);
        Assert.Contains("newclassnew_event x1", s.Err);

        var st = Cli("stream", "--model", model, "--input", odd, "--device", "cpu");
        Assert.Equal(2, st.Code);
        Assert.Contains("use score", st.Err);
        Assert.Single(st.Err.Trim().Split('\n'));

        var wrong = Cli("train", "--data", odd, "--model", "lstm-ae", "--format", "kev", "--out", files.PathOf("x.model"));
        Assert.Equal(2, wrong.Code);
    }
}
