using System.Globalization;
using System.Text;
using RnnEngine.Engine.Tests.Models;
using RnnEngine.Engine.Tests.Support;
using StackExchange.Redis;
using Xunit;

namespace RnnEngine.Engine.Tests.Serve;

/// <summary>
/// `serve` and `publish` against a real redis-server started for this class: each sensor's entries equal `score` on its
/// rows; messages a dead worker left pending are taken over; a sensor's state outlives the worker that wrote it; a
/// replayed row yields no second line; bad messages are answered with an error entry and the worker goes on.
/// </summary>
[Collection(nameof(SerialCollection))]
public sealed class ServeTests : IDisposable
{
    private readonly TempFiles files = new();
    private readonly Lazy<RedisServer> redis = new(() => new RedisServer());
    private string? model;

    public void Dispose()
    {
        if (redis.IsValueCreated) redis.Value.Dispose();
        files.Dispose();
    }

    private RedisServer Redis => redis.Value;

    /// <summary>Row i of sensor s: two channels with the sensor's own phase; sensor 2 jumps at rows 60..69.</summary>
    private string SensorFile(int s, int rows, int from = 0)
    {
        var sb = new StringBuilder("temp,flow\n");
        for (int i = from; i < from + rows; i++)
            sb.Append(CultureInfo.InvariantCulture, $"{Math.Sin(i / 5.0 + s) + (s == 2 && i is >= 60 and < 70 ? 3 : 0):F5},{Math.Cos(i / 7.0 + s):F5}\n");
        return files.Write($"s{s}_{from}_{rows}.csv", sb.ToString());
    }

    private string Model()
    {
        if (model is not null) return model;
        var sb = new StringBuilder("temp,flow\n");
        for (int i = 0; i < 600; i++) sb.Append(CultureInfo.InvariantCulture, $"{Math.Sin(i / 5.0):F5},{Math.Cos(i / 7.0):F5}\n");
        model = files.PathOf("m.model");
        var t = CliRunner.Run("train", "--data", files.Write("train.csv", sb.ToString()), "--model", "lstm-ae", "--window", "8",
            "--hidden", "6", "--epochs", "1", "--device", "cpu", "--out", model, "--quiet");
        Assert.True(t.Code == 0, t.Err);
        return model;
    }

    /// <summary>`score` on a sensor's whole file, as the lines serve's entries must give.</summary>
    private string[] Score(int s, int rows)
    {
        string outPath = files.PathOf($"s{s}.scores.csv");
        var r = CliRunner.Run("score", "--model", Model(), "--data", SensorFile(s, rows), "--out", outPath, "--device", "cpu");
        Assert.True(r.Code == 0, r.Err);
        return File.ReadAllLines(outPath)[1..];
    }

    private void Publish(string key, int s, int rows, int from = 0)
    {
        var r = CliRunner.Run("publish", "--redis", Redis.Address, "--input", key, "--sensor", $"s{s}", SensorFile(s, rows, from),
            "--start-index", from.ToString(CultureInfo.InvariantCulture), "--quiet");
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains($"published {rows} rows of sensor s{s}", r.Out);
    }

    /// <summary>A worker in this process until disposed (Ctrl-C's clean stop).</summary>
    private sealed class Worker : IDisposable
    {
        private readonly CancellationTokenSource stop = new();
        private readonly Task<int> run;
        private readonly StringWriter log = new();

        public Worker(params string[] args) =>
            run = Task.Run(() => RnnEngine.Cli.Cli.Run(["serve", .. args], TextWriter.Null, TextWriter.Synchronized(log), null, stop.Token));

        public string Log => log.ToString();

        public void Dispose()
        {
            stop.Cancel();
            Assert.Equal(0, run.Result);
            stop.Dispose();
        }
    }

    private Worker Serve(string input, string consumer, params string[] extra) =>
        new(["--redis", Redis.Address, "--input", input, "--group", "g", "--consumer", consumer, "--model", Model(),
            "--output", input + ":out", "--claim-idle", "300", "--device", "cpu", .. extra]);

    /// <summary>Every entry of a stream as field -> value.</summary>
    private List<Dictionary<string, string>> Read(string key) =>
        [.. Redis.Db.StreamRange(key).Select(e => e.Values.ToDictionary(v => v.Name.ToString(), v => v.Value.ToString()))];

    private void WaitFor(string key, int entries, Worker w)
    {
        Assert.True(SpinWait.SpinUntil(() => Redis.Db.StreamLength(key) >= entries, 60_000),
            $"{key} holds {Redis.Db.StreamLength(key)} of {entries} entries after 60 s; worker log:\n{w.Log}");
    }

    /// <summary>A sensor's score entries as score's lines, in index order; fails on a repeated index.</summary>
    private static string[] Lines(List<Dictionary<string, string>> entries, string sensor)
    {
        var mine = entries.Where(e => e["sensor"] == sensor).ToList();
        var byIndex = mine.ToDictionary(e => long.Parse(e["index"], CultureInfo.InvariantCulture));
        Assert.Equal(mine.Count, byIndex.Count);
        return [.. byIndex.OrderBy(p => p.Key).Select(p => $"{p.Key},{p.Value["score"]},{p.Value["is_anomaly"]}")];
    }

    [RedisFact]
    public void EachSensorsEntriesEqualScoreOnItsRows()
    {
        for (int s = 0; s < 3; s++) Publish("in", s, 90);
        using (var w = Serve("in", "w1")) WaitFor("in:out", 270, w);
        var entries = Read("in:out");
        Assert.Equal(270, entries.Count);
        for (int s = 0; s < 3; s++) Assert.Equal(Score(s, 90), Lines(entries, $"s{s}"));
        Assert.Contains(entries, e => e["is_anomaly"] == "1");
        Assert.Equal(0, Redis.Db.StreamPending("in", "g").PendingMessageCount);
    }

    [RedisFact]
    public void MessagesADeadWorkerLeftPendingAreTakenOverAndAnsweredOnce()
    {
        Redis.Db.StreamCreateConsumerGroup("in", "g", StreamPosition.Beginning, createStream: true);
        for (int s = 0; s < 3; s++) Publish("in", s, 90);
        // a worker that read 100 messages and died: they stay pending with it, unanswered
        Assert.Equal(100, Redis.Db.StreamReadGroup("in", "g", "dead", StreamPosition.NewMessages, 100).Length);
        using (var w = Serve("in", "alive")) WaitFor("in:out", 270, w);
        var entries = Read("in:out");
        Assert.Equal(270, entries.Count);
        for (int s = 0; s < 3; s++) Assert.Equal(Score(s, 90), Lines(entries, $"s{s}"));
        Assert.Equal(0, Redis.Db.StreamPending("in", "g").PendingMessageCount);
    }

    [RedisFact]
    public void ASensorsStateOutlivesItsWorkerAndAReplayedRowGivesNoSecondLine()
    {
        Publish("in", 2, 50);
        using (var w = Serve("in", "first")) WaitFor("in:out", 50, w);
        Publish("in", 2, 50, from: 50);
        Publish("in", 2, 10, from: 20);   // a producer's replay of rows 20..29
        using (var w = Serve("in", "second"))
        {
            WaitFor("in:out", 100, w);
            Assert.True(SpinWait.SpinUntil(() => Redis.Db.StreamPending("in", "g").PendingMessageCount == 0, 20_000), w.Log);
        }
        var entries = Read("in:out");
        Assert.Equal(100, entries.Count);
        Assert.Equal(Score(2, 100), Lines(entries, "s2"));
    }

    [RedisFact]
    public void RowsHandedToAnOwnerThatDiedAreRoutedAgain()
    {
        for (int s = 0; s < 4; s++) Publish("in", s, 60);
        // a worker that stamped itself alive and died at once: the live worker hands it its share of the sensors
        var time = (RedisResult[])Redis.Db.Execute("TIME")!;
        long nowMs = (long)time[0] * 1000 + (long)time[1] / 1000;
        Redis.Db.SortedSetAdd("in:out:workers", "ghost", nowMs + 3000);   // alive for the first 3 s
        using (var w = Serve("in", "alive"))
        {
            WaitFor("in:out", 240, w);
            Assert.Contains("routed again", w.Log);
        }
        var entries = Read("in:out");
        Assert.Equal(240, entries.Count);
        for (int s = 0; s < 4; s++) Assert.Equal(Score(s, 60), Lines(entries, $"s{s}"));
        Assert.Equal(0, Redis.Db.StreamPending("in", "g").PendingMessageCount);
    }

    [RedisFact]
    public void TwoWorkersShareTheSensorsAndGiveScoresLines()
    {
        for (int s = 0; s < 4; s++) Publish("in", s, 80);
        using (var a = Serve("in", "a"))
        using (var b = Serve("in", "b"))
        {
            Thread.Sleep(200);
            for (int s = 4; s < 6; s++) Publish("in", s, 80);
            WaitFor("in:out", 480, a);
        }
        var entries = Read("in:out");
        Assert.Equal(480, entries.Count);
        for (int s = 0; s < 6; s++) Assert.Equal(Score(s, 80), Lines(entries, $"s{s}"));
    }

    [RedisFact]
    public void RowsQueuedBeforeAWorkerJoinsGoToTheirSensorsNewOwner()
    {
        // rows 40..79 first: the lone worker reads them all and queues them, waiting for rows 0..39
        Redis.Db.StreamCreateConsumerGroup("in", "g", StreamPosition.Beginning, createStream: true);
        for (int s = 0; s < 6; s++) Publish("in", s, 40, from: 40);
        using var a = Serve("in", "a", "--gap-timeout", "600000");
        Assert.True(SpinWait.SpinUntil(() => Redis.Db.StreamPending("in", "g").PendingMessageCount == 240, 30_000), a.Log);
        using (var b = Serve("in", "b", "--gap-timeout", "600000"))
        {
            // a hands b the queued rows of b's sensors rather than keep them and wait on b's states
            Assert.True(SpinWait.SpinUntil(() => a.Log.Contains("handed to their sensors' new owners"), 30_000), a.Log);
            for (int s = 0; s < 6; s++) Publish("in", s, 40);
            WaitFor("in:out", 480, b);
        }
        var entries = Read("in:out");
        Assert.Equal(480, entries.Count);
        for (int s = 0; s < 6; s++) Assert.Equal(Score(s, 80), Lines(entries, $"s{s}"));
    }

    [RedisFact]
    public void BadMessagesAreAnsweredWithAnErrorEntryAndTheWorkerGoesOn()
    {
        var db = Redis.Db;
        db.StreamAdd("in", [new("sensor", "s1"), new("index", 0), new("temp", "abc"), new("flow", "0.5")]);
        db.StreamAdd("in", [new("sensor", "s1"), new("index", 1), new("temp", "0.25")]);
        db.StreamAdd("in", [new("sensor", "s1"), new("index", "x"), new("temp", "0.25"), new("flow", "0.5")]);
        db.StreamAdd("in", [new("index", 0), new("temp", "0.25"), new("flow", "0.5")]);
        db.StreamAdd("in", [new("sensor", "other"), new("index", 0), new("temp", "0.25"), new("flow", "0.5")]);
        db.StreamAdd("in", [new("sensor", "s1"), new("index", 2), new("temp", "0.25"), new("flow", "0.5")]);
        // sensors named s* have the model; any other sensor has none
        using (var w = new Worker(["--redis", Redis.Address, "--input", "in", "--group", "g", "--model", "s*=" + Model(),
                   "--output", "in:out", "--errors", "in:errors", "--device", "cpu"]))
        {
            Assert.True(SpinWait.SpinUntil(() => db.StreamLength("in:errors") >= 5 && db.StreamLength("in:out") >= 1, 30_000), w.Log);
        }
        var errors = Read("in:errors");
        Assert.Equal(5, errors.Count);
        Assert.Contains(errors, e => e["sensor"] == "s1" && e["index"] == "0" && e["field"] == "temp" && e["error"].Contains("'abc'"));
        Assert.Contains(errors, e => e["sensor"] == "s1" && e["index"] == "1" && e["field"] == "flow" && e["error"].Contains("missing"));
        Assert.Contains(errors, e => e["sensor"] == "s1" && e["index"] == "x" && e["field"] == "index");
        Assert.Contains(errors, e => e["sensor"] == "" && e["field"] == "sensor");
        Assert.Contains(errors, e => e["sensor"] == "other" && e["field"] == "sensor" && e["error"].Contains("no model"));
        // the rows of s1 that could not be scored still count: the good row after them is its index 2
        var row = Assert.Single(Read("in:out"));
        Assert.Equal(("s1", "2", ""), (row["sensor"], row["index"], row["score"]));
        Assert.Equal(0, db.StreamPending("in", "g").PendingMessageCount);
    }

    [Fact]
    public void BadAddressesAndKeysAreOneLineErrors()
    {
        var r = CliRunner.Run("serve", "--redis", "127.0.0.1:1", "--input", "in", "--group", "g", "--model", Model());
        Assert.Equal(2, r.Code);
        Assert.Contains("cannot reach Redis", r.Err);
        r = CliRunner.Run("serve", "--redis", "127.0.0.1:1", "--input", "in", "--group", "g", "--model", Model(), "--output", "in");
        Assert.Equal(2, r.Code);
        Assert.Contains("three different keys", r.Err);
        r = CliRunner.Run("serve", "--redis", "127.0.0.1:1", "--input", "in", "--group", "g", "--model", files.PathOf("none.model"));
        Assert.Equal(2, r.Code);
        Assert.Contains("not found", r.Err);
        r = CliRunner.Run("publish", "--redis", "127.0.0.1:1", "--input", "in", "--sensor", "s", files.Write("bad.csv", "temp,flow\n1,2\n3,x\n"));
        Assert.Equal(2, r.Code);
        Assert.Contains("bad.csv", r.Err);
        Assert.Contains("row 3", r.Err);
    }
}
