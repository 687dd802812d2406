using System.Globalization;
using System.Text;
using RnnEngine.Cli;
using RnnEngine.Cli.Commands;
using RnnEngine.Engine.Tests.Models;
using RnnEngine.Engine.Tests.Support;
using RnnEngine.Models.Detection;
using RnnEngine.Models.Streaming;
using Xunit;

namespace RnnEngine.Engine.Tests.Streaming;

/// <summary>`stream` against `score` on the same file for every model kind, bad rows, --missing, --follow, flat memory.</summary>
[Collection(nameof(SerialCollection))]
public sealed class StreamCommandTests : IDisposable
{
    private readonly TempFiles files = new();

    public void Dispose() => files.Dispose();

    private static (int Code, string Out, string Err) Cli(params string[] args) => CliRunner.Run(args);

    private static (int Code, string Out, string Err) Stream(string stdinText, CancellationToken cancel, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code;
        try { code = RnnEngine.Cli.Cli.Run(["stream", .. args], stdout, stderr, new StringReader(stdinText), cancel); }
        catch (RnnEngine.Models.Data.DataFormatException e) { stderr.WriteLine(e.Message); code = 2; }
        return (code, stdout.ToString(), stderr.ToString());
    }

    private string Csv(string name, int rows, int anomalyFrom = -1)
    {
        var sb = new StringBuilder("t,a,b\n");
        for (int i = 0; i < rows; i++)
        {
            double lift = i >= anomalyFrom && anomalyFrom >= 0 && i < anomalyFrom + 20 ? 2.5 : 0;
            sb.Append(CultureInfo.InvariantCulture, $"{i},{Math.Sin(i / 5.0) + lift:F5},{Math.Cos(i / 7.0):F5}\n");
        }
        return files.Write(name, sb.ToString());
    }

    private string Train(string model, string extra = "")
    {
        string data = Csv("train.csv", 500);
        string path = files.PathOf(model + ".model");
        var args = new List<string> { "train", "--data", data, "--columns", "a,b", "--model", model, "--window", "8", "--hidden", "6",
            "--epochs", "1", "--device", "cpu", "--out", path, "--quiet" };
        if (extra.Length > 0) args.AddRange(extra.Split(' '));
        var t = Cli([.. args]);
        Assert.True(t.Code == 0, t.Err);
        return path;
    }

    [Theory]
    [InlineData("lstm-ae", "")]
    [InlineData("gru-ae", "")]
    [InlineData("fc-ae", "")]
    [InlineData("encdec-ad", "")]
    [InlineData("encdec-ad", "--decode free")]
    [InlineData("next-step-lstm", "")]
    [InlineData("next-step-gru", "")]
    [InlineData("next-step-lstm", "--threshold dynamic")]
    [InlineData("next-step-lstm", "--ensemble 1 --smooth 1 --event-gap 0")]
    [InlineData("lstm-ae", "--score gaussian --threshold gaussian")]
    public void StreamGivesTheScoresOfScoreByteForByte(string kind, string extra)
    {
        string model = Train(kind, extra);
        string test = Csv("test.csv", 200, anomalyFrom: 120);
        string scores = files.PathOf("scores.csv");
        var s = Cli("score", "--model", model, "--data", test, "--out", scores, "--device", "cpu");
        Assert.True(s.Code == 0, s.Err);
        var st = Stream(File.ReadAllText(test), CancellationToken.None, "--model", model, "--device", "cpu");
        Assert.True(st.Code == 0, st.Err);
        Assert.Equal(File.ReadAllText(scores), st.Out);
        Assert.Contains("rows/s", st.Err);
        // the same through --input FILE
        var f = Cli("stream", "--model", model, "--input", test, "--device", "cpu");
        Assert.Equal(File.ReadAllText(scores), f.Out);
        Assert.Equal(201, st.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Theory]
    [InlineData("t,a,b\n0,1,2\n1,x,2\n", "row 3", "'a'")]
    [InlineData("t,a,b\n0,1,2\n1,NaN,2\n", "row 3", "'a'")]
    [InlineData("t,a,b\n0,1,2\n1,2\n", "row 3", "ragged")]
    [InlineData("t,a,c\n0,1,2\n", "'b'", "missing column")]
    [InlineData("", "stdin", "empty")]
    public void BadRowsExitTwoNamingInputRowAndColumn(string text, string where, string what)
    {
        string model = Train("lstm-ae");
        var r = Stream(text, CancellationToken.None, "--model", model, "--device", "cpu");
        Assert.Equal(2, r.Code);
        string line = Assert.Single(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("stdin", line);
        Assert.Contains(where, line);
        Assert.Contains(what, line);
    }

    [Theory]
    [InlineData("drop")]
    [InlineData("ffill")]
    [InlineData("zero")]
    public void MissingPolicyGivesTheSameLinesAsScore(string policy)
    {
        string model = Train("lstm-ae");
        var lines = File.ReadAllLines(Csv("clean.csv", 60)).ToList();
        lines[20] = "19,,0.5";
        lines[31] = "30,NaN,NA";
        string test = files.Write("holes.csv", string.Join('\n', lines) + "\n");
        string scores = files.PathOf("scores.csv");
        var s = Cli("score", "--model", model, "--data", test, "--out", scores, "--device", "cpu", "--missing", policy);
        Assert.True(s.Code == 0, s.Err);
        Assert.Contains("3 cells in 2 rows", s.Err.Replace("3 cells; dropped 2 rows", "3 cells in 2 rows"));
        var st = Stream(File.ReadAllText(test), CancellationToken.None, "--model", model, "--device", "cpu", "--missing", policy);
        Assert.True(st.Code == 0, st.Err);
        Assert.Equal(File.ReadAllText(scores), st.Out);
        Assert.Equal(61, st.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        if (policy == "drop") Assert.Contains("\n19,,\n", st.Out);
        var e = Cli("stream", "--model", model, "--input", test, "--device", "cpu");
        Assert.Equal(2, e.Code);
        Assert.Contains("row 21", e.Err);
    }

    [Fact]
    public async Task FollowPicksUpAppendedLinesOfAGrowingFile()
    {
        string model = Train("lstm-ae");
        string all = File.ReadAllText(Csv("full.csv", 40));
        int cut = all.IndexOf("\n20,", StringComparison.Ordinal) + 1;
        string growing = files.Write("growing.csv", all[..cut]);
        using var cancel = new CancellationTokenSource();
        var stdout = new SyncWriter();
        var task = Task.Run(() => RnnEngine.Cli.Cli.Run(["stream", "--model", model, "--input", growing, "--follow", "--device", "cpu"],
            stdout, TextWriter.Null, null, cancel.Token));
        Assert.True(SpinWait.SpinUntil(() => stdout.Lines >= 21, 20_000), $"first 20 rows not streamed: {stdout.Lines} lines");
        Assert.False(task.IsCompleted);   // end of file does not end a followed stream
        File.AppendAllText(growing, all[cut..]);
        Assert.True(SpinWait.SpinUntil(() => stdout.Lines >= 41, 20_000), $"appended rows not streamed: {stdout.Lines} lines");
        cancel.Cancel();
        Assert.Same(task, await Task.WhenAny(task, Task.Delay(10_000)));
        Assert.Equal(0, await task);
        var whole = Cli("stream", "--model", model, "--input", files.PathOf("full.csv"), "--device", "cpu");
        Assert.Equal(whole.Out, stdout.ToString());
    }

    /// <summary>10,000 then 100,000 more rows through one scorer: no retained growth, and (almost) no allocation per row.</summary>
    [Fact]
    public void MemoryStaysFlatOverAHundredThousandRows()
    {
        string model = Train("lstm-ae");
        var backend = TestBackends.Get("cpu");
        using var detector = DetectorFile.Load(backend, model);
        var scorer = new StreamScorer(detector);
        var row = new float[2];
        long i = 0;
        void Feed(int n)
        {
            for (int k = 0; k < n; k++, i++)
            {
                row[0] = MathF.Sin(i / 5f);
                row[1] = MathF.Cos(i / 7f);
                scorer.Push(row);
            }
        }
        Feed(10_000);
        long retained10k = GC.GetTotalMemory(forceFullCollection: true);
        // The scorer runs on this thread at these sizes; counting this thread alone keeps the test runner's own
        // allocations out of the figure.
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        Feed(100_000);
        double perRow = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / 100_000.0;
        long retained110k = GC.GetTotalMemory(forceFullCollection: true);
        Assert.True(perRow < 16, $"{perRow:F1} bytes allocated per row");
        Assert.True(retained110k - retained10k < 1 << 20, $"retained {retained10k} -> {retained110k} bytes");
    }

    private sealed class SyncWriter : TextWriter
    {
        private readonly StringBuilder sb = new();
        public override Encoding Encoding => Encoding.UTF8;
        public int Lines { get { lock (sb) return sb.ToString().Count(c => c == '\n'); } }
        public override void Write(char value) { lock (sb) sb.Append(value); }
        public override void Write(ReadOnlySpan<char> buffer) { lock (sb) sb.Append(buffer); }
        public override void Write(string? value) { lock (sb) sb.Append(value); }
        public override string ToString() { lock (sb) return sb.ToString(); }
    }
}
