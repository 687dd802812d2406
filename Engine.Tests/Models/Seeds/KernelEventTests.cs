using RnnEngine.Models.Data;
using RnnEngine.Models.Data.Seeds;
using Xunit;

namespace RnnEngine.Engine.Tests.Models.Seeds;

public sealed class KernelEventTests : IDisposable
{
    private readonly TempFiles files = new();
    public void Dispose() => files.Dispose();

    private static readonly KernelEventVocabulary Vocab = KernelEventVocabulary.LoadBundled();
    private const string Fixture = "hexacopter-hil-sample.kev.csv";

    [Fact]
    public void BundledVocabularyIsTheDataFolderCopyWith97Ids()
    {
        Assert.Equal(97, Vocab.Size);
        Assert.Equal(1, Vocab.OovId);
        Assert.Equal(2, Vocab.StartId);
        Assert.Equal(13, Vocab.Lookup("commsnd_message"));
        Assert.Equal("commsnd_pulse_exe", Vocab.Token(3));
        Assert.Equal(Vocab.OovId, Vocab.Lookup("commsnd_pulse"));
        string dataCopy = Path.Combine(RepoRoot(), "data", "kernel_events_seed004", "event_vocabulary.json");
        KernelEventVocabulary fromFile = KernelEventVocabulary.Load(dataCopy);
        for (int i = 1; i < Vocab.Size; i++) Assert.Equal(Vocab.Token(i), fromFile.Token(i));
    }

    private static string RepoRoot()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "RnnEngine.sln"))) return d.FullName;
        throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public void ReadsTokensAndCountsUnknownOnesWithoutFailing()
    {
        KernelEventTrace t = KernelEventReader.Read(SeedFixtures.Path(Fixture), Vocab);
        Assert.Equal(11, t.Length);
        string[] tokens = t.Ids.Select(Vocab.Token).ToArray();
        Assert.Equal(new[]
        {
            "int_entr0x00000044", "int_handler_entr0x00000044", "int_handler_exit0x00000044", "int_exit0x00000044",
            "commsnd_pulse_exe", "threadthready", "ker_callmsg_sendv/11", "commsnd_message", "400", "400", "usreventevent-2",
        }, tokens);
        Assert.Equal(2, t.OovCount);
        Assert.Equal(2, t.UnknownTokens["commsnd_pulse"]);
        Assert.Null(t.Labels);
    }

    [Theory]
    [InlineData("\"index\",\"event\"\n\"0\",\"THREADY\"\n", "row 1, column 'class': missing column: the header has 'index', 'event'")]
    [InlineData("\"class\",\"event\"\n\"THREAD\",\"THREADY\"\n\"THREAD\"\n", "row 3: ragged row: expected 2 fields like the header, got 1")]
    [InlineData("\"class\",\"event\"\n\"THREAD\",\"\"\n", "row 2, column 'event' (#2): empty event name")]
    [InlineData("\"class\",\"event\"\n", "empty file: expected at least one event row")]
    [InlineData("", "empty file")]
    public void BadInput(string text, string expected)
    {
        string p = files.Write("bad.kev.csv", text);
        var e = Assert.Throws<DataFormatException>(() => KernelEventReader.Read(p, Vocab));
        Assert.StartsWith(p, e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void MissingOrBadLabelColumn()
    {
        string p = files.Write("l.kev.csv", "class,event,label\nTHREAD,THREADY,0\nCOMM,SND_MESSAGE,maybe\n");
        Assert.Contains("row 3, column 'label' (#3): expected a label", Assert.Throws<DataFormatException>(() => KernelEventReader.Read(p, Vocab, "label")).Message);
        Assert.Contains("column 'is_anomaly': missing column", Assert.Throws<DataFormatException>(() => KernelEventReader.Read(p, Vocab, "is_anomaly")).Message);
        string bad = files.Write("v.json", "{\"oov_token\": \"400\", \"tokens\": [{\"token\": \"a\", \"index\": 1}]}");
        Assert.Contains("column 'oov_token'", Assert.Throws<DataFormatException>(() => KernelEventVocabulary.Load(bad)).Message);
    }

    // ---- synthetic generator ----

    private static int Count(KernelEventSyntheticData d, string cls, string ev, int from, int to) =>
        Enumerable.Range(from, to - from).Count(i => d.Classes[i] == cls && d.Events[i] == ev);

    [Fact]
    public void CleanTraceUsesOnlyTheVocabularyAndIsPeriodic()
    {
        KernelEventSyntheticData d = KernelEventSynthetic.Generate(new KernelEventSyntheticOptions { Ticks = 1024, Seed = 1 }, Vocab);
        Assert.Equal(0, d.Trace.OovCount);
        Assert.DoesNotContain(true, d.Trace.Labels!);
        Assert.Equal(512, Count(d, "COMM", "SND_MESSAGE", 0, d.Classes.Length));      // one round trip every 2nd tick
        Assert.Equal(1024, Count(d, "INT_ENTR", "0x00000044", 0, d.Classes.Length));  // one timer interrupt per tick
        Assert.Equal(16, Count(d, "CONTROL", "BUFFER", 0, d.Classes.Length));
        Assert.True(d.Trace.Ids.Distinct().Count() >= 30, "a clean trace uses a good part of the vocabulary");
    }

    [Fact]
    public void SameSeedSameTrace()
    {
        var o = new KernelEventSyntheticOptions { Ticks = 3000, Anomalies = 4, Seed = 5 };
        KernelEventSyntheticData a = KernelEventSynthetic.Generate(o, Vocab), b = KernelEventSynthetic.Generate(o, Vocab);
        Assert.Equal(a.Trace.Ids, b.Trace.Ids);
        Assert.Equal(a.Trace.Labels, b.Trace.Labels);
        Assert.Equal(a.Anomalies, b.Anomalies);
        Assert.NotEqual(a.Trace.Ids, KernelEventSynthetic.Generate(o with { Seed = 6 }, Vocab).Trace.Ids);
    }

    [Theory]
    [InlineData(KernelAnomalyKind.FifoLs)]
    [InlineData(KernelAnomalyKind.BusyLoop)]
    public void WindowsCarry25To37TimesTheMessagesAndLabelsAreExactlyTheInjectedEvents(KernelAnomalyKind kind)
    {
        var o = new KernelEventSyntheticOptions { Ticks = 3000, Anomalies = 4, Kind = kind, Seed = 8 };
        KernelEventSyntheticData a = KernelEventSynthetic.Generate(o, Vocab);
        KernelEventSyntheticData clean = KernelEventSynthetic.Generate(o with { Anomalies = 0 }, Vocab);
        Assert.Equal(4, a.Anomalies.Count);
        foreach (KernelAnomaly w in a.Anomalies)
        {
            Assert.Equal(kind, w.Kind);
            int cleanMessages = Enumerable.Range(w.FirstTick, w.EndTick - w.FirstTick).Count(t => t % 2 == 0);
            double ratio = Count(a, "COMM", "SND_MESSAGE", w.Events.Start, w.Events.End) / (double)cleanMessages;
            Assert.InRange(ratio, 2.5 - 1.0 / cleanMessages, 3.7 + 1.0 / cleanMessages);
            Assert.Equal(w.MessageFactor, ratio, 1.0 / cleanMessages);
            Assert.Contains(true, a.Trace.Labels!.AsSpan(w.Events.Start, w.Events.Length).ToArray());
        }
        // Labelled events lie inside the windows, and dropping them gives back the clean trace of the same seed.
        for (int i = 0; i < a.Trace.Length; i++)
            if (a.Trace.Labels![i]) Assert.Contains(a.Anomalies, w => w.Events.Contains(i));
        int[] kept = Enumerable.Range(0, a.Trace.Length).Where(i => !a.Trace.Labels![i]).Select(i => a.Trace.Ids[i]).ToArray();
        Assert.Equal(clean.Trace.Ids, kept);
        // Unknown tokens (never in clean training traces) occur only among the injected events.
        for (int i = 0; i < a.Trace.Length; i++)
            if (a.Trace.Ids[i] == Vocab.OovId) Assert.True(a.Trace.Labels![i]);
        if (kind == KernelAnomalyKind.BusyLoop) Assert.True(a.Trace.UnknownTokens.ContainsKey("commsnd_pulse"));
    }

    [Fact]
    public void SegmentLabelsMarkSegmentsWithAnyInjectedEvent()
    {
        KernelEventSyntheticData a = KernelEventSynthetic.Generate(new KernelEventSyntheticOptions { Ticks = 3000, Anomalies = 2, Seed = 2 }, Vocab);
        bool[] seg = a.Trace.SegmentLabels(1000);
        Assert.Equal(a.Trace.Length / 1000, seg.Length);
        for (int s = 0; s < seg.Length; s++)
            Assert.Equal(a.Trace.Labels!.AsSpan(s * 1000, 1000).Contains(true), seg[s]);
        Assert.Contains(true, seg);
        Assert.Contains(false, seg);
    }

    [Fact]
    public void SyntheticTraceRoundTripsThroughTheKevCsvFormat()
    {
        KernelEventSyntheticData a = KernelEventSynthetic.Generate(new KernelEventSyntheticOptions { Ticks = 1500, Anomalies = 2, Seed = 3 }, Vocab);
        string p = files.PathOf("hexacopter-hil-synthetic.kev.csv");
        KernelEventCsvWriter.Write(p, a);
        KernelEventTrace back = KernelEventReader.Read(p, Vocab, "label");
        Assert.Equal(a.Trace.Ids, back.Ids);
        Assert.Equal(a.Trace.Labels, back.Labels);
        Assert.Equal(a.Trace.OovCount, back.OovCount);
    }
}
