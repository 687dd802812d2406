using RnnEngine.Models.Data;
using RnnEngine.Models.Data.Seeds;
using Xunit;

namespace RnnEngine.Engine.Tests.Models.Seeds;

public sealed class ProgramTraceTests : IDisposable
{
    private readonly TempFiles files = new();
    public void Dispose() => files.Dispose();

    private static string Trace => SeedFixtures.Path(Path.Combine("theft_protection", "trace_trial1"));
    private static string Labels => SeedFixtures.Path(Path.Combine("theft_protection", "labels", "trace_trial1_labels.json"));

    [Fact]
    public void ReadsTraceAndExpandsIntervalLabelsToEvents()
    {
        ProgramTrace t = ProgramTraceReader.Read(Trace, Labels);
        Assert.Equal(12, t.Length);
        Assert.Equal(new[] { 0, 1, 2, 3, 4, 5, 3, 4, 15, 0, 1, 2 }, t.Ids);
        Assert.Equal(37002, t.Timestamps[0]);
        Assert.Equal(39460, t.Timestamps[11]);
        Assert.Equal([new TraceLabel(3, 5, 37775, 38199, 1), new TraceLabel(8, 8, 38831, 38831, 2)], t.Intervals);
        // End inclusive: events 3, 4, 5 and 8.
        Assert.Equal(new[] { false, false, false, true, true, true, false, false, true, false, false, false }, t.Labels);
        Assert.Null(ProgramTraceReader.Read(Trace).Labels);
    }

    [Fact]
    public void ReadsVarList()
    {
        Dictionary<string, int> v = ProgramTraceReader.ReadVarList(SeedFixtures.Path(Path.Combine("theft_protection", "varlist_trial1.json")));
        Assert.Equal(7, v.Count);
        Assert.Equal(0, v["1_0_main_temp"]);
        Assert.Equal(15, v["1_sensor_read_value"]);
    }

    [Fact]
    public void FeaturesAreTimeDifferencesAlignedWithLabels()
    {
        ProgramTrace t = ProgramTraceReader.Read(Trace, Labels);
        Series f = TraceFeatures.Build(t, sameVariableGap: true);
        Assert.Equal(new[] { "variable_id", "dt", "dt_same_variable" }, f.ColumnNames);
        Assert.Equal(12, f.Length);
        Assert.Equal(new float[] { 0, 0, 0 }, f.Row(0).ToArray());
        Assert.Equal(new float[] { 1, 209, 0 }, f.Row(1).ToArray());
        Assert.Equal(new float[] { 3, 212, 636 }, f.Row(6).ToArray());      // id 3 last seen at 37775
        Assert.Equal(new float[] { 0, 209, 2038 }, f.Row(9).ToArray());     // id 0 last seen at 37002
        Assert.Equal(t.Labels, f.Labels);
        Assert.Equal(2, TraceFeatures.Build(t).Features);
    }

    [Theory]
    [InlineData("[[0, 1], [1, 2], [2]]", "row 3: expected a [variable id, timestamp] pair")]
    [InlineData("[[0, 1], [\"a\", 2]]", "row 2, column 'variable id' (#1): expected an integer")]
    [InlineData("[[0, 1], [1, null]]", "row 2, column 'timestamp' (#2): expected a number")]
    [InlineData("[[0, 5], [1, 4]]", "row 2, column 'timestamp' (#2): time goes backwards")]
    [InlineData("[[0, 1], [-1, 4]]", "row 2, column 'variable id' (#1): expected a non-negative id")]
    [InlineData("[[0, 1],\n [1, 2]", "row 2: invalid JSON")]
    [InlineData("[]", "empty trace")]
    [InlineData("{\"a\": 1}", "expected a JSON array")]
    public void BadTraces(string text, string expected)
    {
        string p = files.Write("trace_bad", text);
        var e = Assert.Throws<DataFormatException>(() => ProgramTraceReader.ReadEvents(p));
        Assert.StartsWith(p, e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData("{\"other\": {}}", "column 'labels': missing column")]
    [InlineData("{\"labels\": {\"trace_trial1\": [[3, 5, 1, 2]]}}", "row 1: expected [start_event, end_event, start_ts, end_ts, class]")]
    [InlineData("{\"labels\": {\"trace_trial1\": [[3, 5, 1, 2, 1], [6, 4, 1, 2, 1]]}}", "row 2, column 'end_event' (#2): expected 0 <= start_event <= end_event")]
    [InlineData("{\"labels\": {\"trace_trial1\": [[3, 5, 1, 2, \"x\"]]}}", "row 1, column 'class' (#5): expected an integer")]
    [InlineData("{\"labels\": {\"trace_trial1\": [[3, 12, 1, 2, 1]]}}", "row 1, column 'end_event' (#2): event 12 is past the end")]
    [InlineData("{\"labels\": {\"a\": [], \"b\": []}}", "2 traces listed (a, b) and none is named 'trace_trial1'")]
    public void BadLabels(string text, string expected)
    {
        string p = files.Write("labels_bad.json", text);
        var e = Assert.Throws<DataFormatException>(() => ProgramTraceReader.Read(Trace, p));
        Assert.StartsWith(p, e.Message);
        Assert.Contains(expected, e.Message);
    }

    // ---- synthetic generator ----

    [Fact]
    public void SameSeedSameTraceOtherSeedOtherTrace()
    {
        var o = new ProgramTraceSyntheticOptions { Cycles = 200, Faults = 6, WarmupCycles = 20, Seed = 1 };
        ProgramTraceSyntheticData a = ProgramTraceSynthetic.Generate(o), b = ProgramTraceSynthetic.Generate(o), c = ProgramTraceSynthetic.Generate(o with { Seed = 2 });
        Assert.Equal(a.Trace.Ids, b.Trace.Ids);
        Assert.Equal(a.Trace.Timestamps, b.Trace.Timestamps);
        Assert.Equal(a.Faults, b.Faults);
        Assert.NotEqual(a.Trace.Timestamps, c.Trace.Timestamps);
    }

    [Fact]
    public void CleanTraceIsPeriodicWith16VariablesAndIncreasingTime()
    {
        ProgramTrace t = ProgramTraceSynthetic.Generate(new ProgramTraceSyntheticOptions { Cycles = 80, Faults = 0, Seed = 3 }).Trace;
        Assert.Equal(Enumerable.Range(0, 16), t.Ids.Distinct().Order());
        for (int i = 1; i < t.Length; i++) Assert.True(t.Timestamps[i] > t.Timestamps[i - 1]);
        Assert.DoesNotContain(true, t.Labels!);
        // The id sequence repeats every 8 cycles (the longest task period).
        int perHyper = t.Length / 10;
        Assert.Equal(t.Ids.AsSpan(0, perHyper).ToArray(), t.Ids.AsSpan(perHyper, perHyper).ToArray());
    }

    [Fact]
    public void LabelsAreExactlyTheEventsTheFaultsTouched()
    {
        var o = new ProgramTraceSyntheticOptions { Cycles = 400, Faults = 12, WarmupCycles = 40, Seed = 9 };
        ProgramTraceSyntheticData g = ProgramTraceSynthetic.Generate(o);
        ProgramTrace t = g.Trace, clean = g.Clean;
        Assert.Equal(12, g.Faults.Count);
        Assert.Equal(3, g.Faults.Select(f => f.Kind).Distinct().Count());
        Assert.Equal(AnomalyInterval.Expand(g.Faults.Select(f => f.Events), t.Length), t.Labels);
        Assert.Equal(g.Faults.Select(f => (int)f.Kind), t.Intervals.Select(l => l.Class));

        int previousClean = -1;
        for (int i = 0; i < t.Length; i++)
        {
            int ci = g.CleanIndex[i];
            bool inserted = ci < 0;
            bool moved = !inserted && t.Timestamps[i] != clean.Timestamps[ci];
            bool afterGap = !inserted && ci != previousClean + 1;
            Assert.True(t.Labels![i] == (inserted || moved || afterGap), $"event {i}: label {t.Labels[i]}, inserted {inserted}, moved {moved}, after a gap {afterGap}");
            if (!inserted) { Assert.Equal(clean.Ids[ci], t.Ids[i]); previousClean = ci; }
        }
        foreach (TraceFault f in g.Faults)
        {
            var span = Enumerable.Range(f.Events.Start, f.Events.Length);
            switch (f.Kind)
            {
                case TraceFaultKind.ExtraEvents: Assert.All(span, i => Assert.Equal(-1, g.CleanIndex[i])); break;
                case TraceFaultKind.MissingEvents: Assert.Equal(1, f.Events.Length); break;
                case TraceFaultKind.Delay: Assert.All(span, i => Assert.InRange(t.Timestamps[i] - clean.Timestamps[g.CleanIndex[i]], 5_000, 25_000)); break;
            }
        }
        for (int i = 1; i < t.Length; i++) Assert.True(t.Timestamps[i] > t.Timestamps[i - 1], $"event {i} is not after event {i - 1}");
    }

    [Fact]
    public void SyntheticTraceRoundTripsThroughTheRealFormat()
    {
        ProgramTraceSyntheticData g = ProgramTraceSynthetic.Generate(new ProgramTraceSyntheticOptions { Cycles = 120, Faults = 4, WarmupCycles = 10, Seed = 4 });
        string tp = files.PathOf("trace_trial9"), lp = files.PathOf("trace_trial9_labels.json");
        ProgramTraceWriter.WriteTrace(tp, g.Trace);
        ProgramTraceWriter.WriteLabels(lp, "trace_trial9", g.Trace.Intervals);
        ProgramTrace back = ProgramTraceReader.Read(tp, lp);
        Assert.Equal(g.Trace.Ids, back.Ids);
        Assert.Equal(g.Trace.Timestamps, back.Timestamps);
        Assert.Equal(g.Trace.Labels, back.Labels);
        Assert.Equal(g.Trace.Intervals, back.Intervals);
    }
}
