using System.Globalization;
using System.Text;
using RnnEngine.Engine.Tests.Models;
using RnnEngine.Engine.Tests.Support;
using RnnEngine.Models.Detection;
using RnnEngine.Models.Streaming;
using Xunit;

namespace RnnEngine.Engine.Tests.Serve;

/// <summary>
/// serve's arithmetic without Redis: rows of many streams scored together (<see cref="BatchScorer"/>) give each stream
/// the numbers <see cref="StreamScorer"/> gives it alone, and a stream saved half way and loaded elsewhere goes on with
/// the same numbers (ring, smoothing, event gap, dynamic threshold).
/// </summary>
[Collection(nameof(SerialCollection))]
public sealed class StreamStateTests : IDisposable
{
    private readonly TempFiles files = new();

    public void Dispose() => files.Dispose();

    private AnomalyDetector Detector(string model, string extra)
    {
        var sb = new StringBuilder("a,b\n");
        for (int i = 0; i < 600; i++) sb.Append(CultureInfo.InvariantCulture, $"{Math.Sin(i / 5.0):F5},{Math.Cos(i / 7.0):F5}\n");
        string path = files.PathOf(model + ".model");
        var t = CliRunner.Run(["train", "--data", files.Write("train.csv", sb.ToString()), "--model", model, "--window", "8",
            "--hidden", "6", "--epochs", "1", "--device", "cpu", "--out", path, "--quiet", .. extra.Split(' ', StringSplitOptions.RemoveEmptyEntries)]);
        Assert.True(t.Code == 0, t.Err);
        return DetectorFile.Load(TestBackends.Get("cpu"), path);
    }

    /// <summary>Row i of stream s: a sine with its own phase, and a jump in stream 1 so that rows get flagged.</summary>
    private static float[] Row(int s, int i) =>
        [(float)(Math.Sin(i / 5.0 + s) + (s == 1 && i is >= 70 and < 90 ? 8 : 0)), (float)Math.Cos(i / 7.0 + s)];

    private static (double[] Scores, bool[] Flags) Alone(AnomalyDetector d, int s, int rows)
    {
        var scorer = new StreamScorer(d);
        var scores = new double[rows];
        var flags = new bool[rows];
        for (int i = 0; i < rows; i++)
        {
            scores[i] = scorer.Push(Row(s, i));
            flags[i] = scorer.Flag(scores[i]);
        }
        return (scores, flags);
    }

    [Theory]
    [InlineData("lstm-ae", "")]
    [InlineData("next-step-gru", "--smooth 5 --event-gap 3")]
    [InlineData("next-step-lstm", "--threshold dynamic")]
    public void RowsOfManyStreamsScoredTogetherGiveEachStreamItsOwnNumbers(string model, string extra)
    {
        using var d = Detector(model, extra);
        const int streams = 3, rows = 120;
        var batch = new BatchScorer(d);
        var states = Enumerable.Range(0, streams).Select(_ => new StreamState(d)).ToArray();
        var got = new double[streams, rows];
        var gotFlags = new bool[streams, rows];
        int[] next = new int[streams];
        var rng = new Random(5);
        // rounds of uneven size: a stream may have no row, one, or several consecutive rows in a round
        while (next.Any(n => n < rows))
        {
            var who = new List<(int S, int I)>();
            for (int s = 0; s < streams; s++)
                for (int k = rng.Next(0, 4); k > 0 && next[s] < rows; k--) who.Add((s, next[s]++));
            if (who.Count == 0) continue;
            float[] values = [.. who.SelectMany(w => Row(w.S, w.I))];
            var scores = new double[who.Count];
            var flags = new bool[who.Count];
            batch.Score([.. who.Select(w => states[w.S])], values, scores, flags);
            for (int j = 0; j < who.Count; j++) { got[who[j].S, who[j].I] = scores[j]; gotFlags[who[j].S, who[j].I] = flags[j]; }
        }
        for (int s = 0; s < streams; s++)
        {
            var (want, wantFlags) = Alone(d, s, rows);
            for (int i = 0; i < rows; i++)
            {
                Assert.True(want[i].Equals(got[s, i]), $"stream {s} row {i}: batch {got[s, i]:R} alone {want[i]:R}");
                Assert.Equal(wantFlags[i], gotFlags[s, i]);
            }
        }
        Assert.Contains(true, Alone(d, 1, rows).Flags);   // the comparison covers flagged rows
    }

    [Theory]
    [InlineData("lstm-ae", "--smooth 5 --event-gap 3", 5)]
    [InlineData("next-step-lstm", "--threshold dynamic", 75)]
    [InlineData("next-step-lstm", "--threshold dynamic", 200)]
    public void AStreamSavedHalfWayGoesOnElsewhereWithTheSameNumbers(string model, string extra, int cut)
    {
        using var d = Detector(model, extra);
        const int rows = 260;
        var (want, wantFlags) = Alone(d, 1, rows);
        var batch = new BatchScorer(d);
        var first = new StreamState(d);
        var score = new double[1];
        var flag = new bool[1];
        for (int i = 0; i < cut; i++) batch.Score([first], Row(1, i), score, flag);
        byte[] saved = first.Save();
        var second = new StreamState(d);   // another worker: a fresh state, then the saved bytes
        second.Load(saved);
        Assert.Equal(cut, second.Count);
        for (int i = cut; i < rows; i++)
        {
            batch.Score([second], Row(1, i), score, flag);
            Assert.True(want[i].Equals(score[0]), $"row {i}: after loading {score[0]:R}, alone {want[i]:R}");
            Assert.Equal(wantFlags[i], flag[0]);
        }
    }

    [Fact]
    public void AStateOfAnotherModelIsRefusedNamingBoth()
    {
        using var a = Detector("lstm-ae", "");
        using var b = Detector("next-step-lstm", "");
        var e = Assert.Throws<InvalidDataException>(() => new StreamState(b).Load(new StreamState(a).Save()));
        Assert.Contains("span 8", e.Message);
        Assert.Contains("span 9", e.Message);
        Assert.Throws<InvalidDataException>(() => new StreamState(a).Load([1, 2, 3]));
    }
}
