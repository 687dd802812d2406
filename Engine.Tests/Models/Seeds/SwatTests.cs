using RnnEngine.Engine.Rng;
using RnnEngine.Models.Data;
using RnnEngine.Models.Data.Seeds;
using RnnEngine.Models.Experiments;
using RnnEngine.Models.Thresholds;
using Xunit;

namespace RnnEngine.Engine.Tests.Models.Seeds;

public sealed class SwatTests : IDisposable
{
    private readonly TempFiles files = new();
    public void Dispose() => files.Dispose();

    private const string Fixture = "swat_a1a2_small.csv";

    [Fact]
    public void ReadsTheExportAt1Hz()
    {
        SwatData d = SwatReader.Read(SeedFixtures.Path(Fixture));
        Series s = d.Series;
        Assert.Equal(8, s.Length);
        Assert.Equal(51, s.Features);
        Assert.Equal(SwatColumns.Names, s.ColumnNames);
        Assert.Equal("MV101", s.ColumnNames[2]);
        Assert.Equal(new[] { false, false, false, true, true, false, false, false }, s.Labels);
        Assert.Equal(new DateTime(2015, 12, 28, 11, 59, 58), d.Timestamps[0]);
        Assert.Equal(new DateTime(2015, 12, 28, 12, 0, 0), d.Timestamps[2]);   // 12:00:00 PM is noon
        for (int r = 0; r < 8; r++)
            for (int j = 0; j < 51; j++) Assert.Equal(j + 0.5f * r, s.Row(r)[j]);
        Assert.Equal([new AnomalyInterval(3, 5, "attack")], d.AttackRuns());
    }

    [Fact]
    public void ResamplesByMeanFromMidnightAndAnyAttackMarksTheBin()
    {
        SwatData d = SwatReader.Read(SeedFixtures.Path(Fixture), new SwatReadOptions { Resample = TimeSpan.FromSeconds(5) });
        Assert.Equal(3, d.Series.Length);
        Assert.Equal(new[] { new DateTime(2015, 12, 28, 11, 59, 55), new DateTime(2015, 12, 28, 12, 0, 0), new DateTime(2015, 12, 28, 12, 0, 5) }, d.Timestamps);
        Assert.Equal(new[] { false, true, false }, d.Series.Labels);
        for (int j = 0; j < 51; j++)
        {
            Assert.Equal(j + 0.25f, d.Series.Row(0)[j], 5);   // rows 0, 1
            Assert.Equal(j + 2f, d.Series.Row(1)[j], 5);      // rows 2..6
            Assert.Equal(j + 3.5f, d.Series.Row(2)[j], 5);    // row 7
        }
    }

    [Fact]
    public void TimeFilterKeepsFromInclusiveToExclusive()
    {
        var o = new SwatReadOptions { From = new DateTime(2015, 12, 28, 12, 0, 0), To = new DateTime(2015, 12, 28, 12, 0, 3) };
        SwatData d = SwatReader.Read(SeedFixtures.Path(Fixture), o);
        Assert.Equal(3, d.Series.Length);
        Assert.Equal(new[] { false, true, true }, d.Series.Labels);
    }

    [Theory]
    [InlineData("Normal/Attack", "Label", "row 2, column 'Normal/Attack': missing column")]
    [InlineData(",P203,", ",X203,", "row 2, column 'P203': missing column")]
    [InlineData(" 28/12/2015 12:00:01 PM,1.5,", " 28/12/2015 12:00:01 PM,abc,", "row 6, column 'FIT101': expected a finite number, got 'abc'")]
    [InlineData(" 28/12/2015 12:00:01 PM", " 2015/28/12 noon", "row 6, column 'Timestamp': expected a time like 22/12/2015 4:00:00 PM")]
    [InlineData(" 28/12/2015 12:00:02 PM", " 28/12/2015 11:00:02 AM", "row 7, column 'Timestamp': time goes backwards")]
    [InlineData("A ttack", "Atack", "row 6, column 'Normal/Attack': expected Normal or Attack, got 'Atack'")]
    [InlineData(",Normal\n 28/12/2015 12:00:04 PM", ",Normal\n 28/12/2015 12:00:04 PM,1,2", "row 9: ragged row: expected 53 fields like the header, got 55")]
    [InlineData(" Timestamp,", " Time,", "column 'Timestamp': missing column: no header row")]
    public void BadInputNamesFileRowAndColumn(string find, string replace, string expected)
    {
        string text = SeedFixtures.Text(Fixture);
        Assert.Contains(find, text);
        string p = files.Write("bad.csv", ReplaceFirst(text, find, replace));
        var e = Assert.Throws<DataFormatException>(() => SwatReader.Read(p));
        Assert.StartsWith(p, e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void EmptyAndMissingFiles()
    {
        Assert.Contains("empty file", Assert.Throws<DataFormatException>(() => SwatReader.Read(files.Write("e.csv", ""))).Message);
        string headerOnly = string.Join('\n', SeedFixtures.Text(Fixture).Split('\n').Take(2));
        Assert.Contains("no data rows", Assert.Throws<DataFormatException>(() => SwatReader.Read(files.Write("h.csv", headerOnly))).Message);
        Assert.Contains("column 'Timestamp': missing column: no header row with a Timestamp column in 2 rows",
            Assert.Throws<DataFormatException>(() => SwatReader.Read(files.Write("n.csv", "a,b\n1,2\n"))).Message);
        Assert.EndsWith("file not found", Assert.Throws<DataFormatException>(() => SwatReader.Read(files.PathOf("none.csv"))).Message);
    }

    private static string ReplaceFirst(string text, string find, string replace)
    {
        int i = text.IndexOf(find, StringComparison.Ordinal);
        return text[..i] + replace + text[(i + find.Length)..];
    }

    // ---- synthetic generator ----

    private static SwatSyntheticData Gen(int rows, IReadOnlyList<SwatAttack>? schedule, ulong seed = 7) =>
        SwatSynthetic.Generate(new SwatSyntheticOptions { Rows = rows, Schedule = schedule, Seed = seed, Attacks = 0 });

    [Fact]
    public void SameSeedSameDataOtherSeedOtherData()
    {
        var o = new SwatSyntheticOptions { Rows = 9000, Attacks = 3, MaxAttackRows = 400, Seed = 3 };
        SwatSyntheticData a = SwatSynthetic.Generate(o), b = SwatSynthetic.Generate(o), c = SwatSynthetic.Generate(o with { Seed = 4 });
        Assert.Equal(a.Data.Series.Values, b.Data.Series.Values);
        Assert.Equal(a.Data.Series.Labels, b.Data.Series.Labels);
        Assert.Equal(a.Attacks, b.Attacks);
        Assert.NotEqual(a.Data.Series.Values, c.Data.Series.Values);
    }

    [Fact]
    public void RandomAttacksAreDisjointAfterWarmupAndLabelsAreExactlyTheirRows()
    {
        var o = new SwatSyntheticOptions { Rows = 20000, Attacks = 6, Seed = 11 };
        SwatSyntheticData g = SwatSynthetic.Generate(o);
        Assert.Equal(6, g.Attacks.Count);
        Assert.True(g.Attacks.Select(a => a.Kind).Distinct().Count() >= 2, "attacks of one kind only");
        for (int i = 0; i < g.Attacks.Count; i++)
        {
            AnomalyInterval iv = g.Attacks[i].Interval;
            Assert.InRange(iv.Length, o.MinAttackRows, o.MaxAttackRows);
            Assert.True(iv.Start >= o.WarmupRows);
            if (i > 0) Assert.True(iv.Start > g.Attacks[i - 1].Interval.End);
        }
        Assert.Equal(AnomalyInterval.Expand(g.Attacks.Select(a => a.Interval), o.Rows), g.Data.Series.Labels);
    }

    [Theory]
    [InlineData("AIT201", true)]
    [InlineData("AIT504", false)]
    public void DriftDeviatesOnlyInsideItsInterval(string column, bool up)
    {
        var iv = new AnomalyInterval(3000, 3400, "attack");
        SwatSyntheticData clean = Gen(5000, []), attacked = Gen(5000, [SwatSynthetic.DriftOf(iv, column, up)]);
        AssertOnlyChannelDiffersExactlyInside(clean, attacked, column, iv);
        int c = SwatColumns.IndexOf(column);
        float endDev = attacked.Data.Series.Row(iv.End - 1)[c] - clean.Data.Series.Row(iv.End - 1)[c];
        Assert.Equal(up, endDev > 0);
    }

    [Theory]
    [InlineData("LIT101", true)]
    [InlineData("LIT301", false)]
    [InlineData("LIT401", true)]
    public void SpoofDeviatesOnlyInsideItsInterval(string column, bool high)
    {
        var iv = new AnomalyInterval(2500, 2700, "attack");
        SwatSyntheticData clean = Gen(4000, []), attacked = Gen(4000, [SwatSynthetic.Spoof(iv, column, high)]);
        AssertOnlyChannelDiffersExactlyInside(clean, attacked, column, iv);
    }

    private static void AssertOnlyChannelDiffersExactlyInside(SwatSyntheticData clean, SwatSyntheticData attacked, string column, AnomalyInterval iv)
    {
        int c = SwatColumns.IndexOf(column);
        Series a = attacked.Data.Series, b = clean.Data.Series;
        for (int t = 0; t < a.Length; t++)
        {
            Assert.Equal(iv.Contains(t), a.Labels![t]);
            for (int j = 0; j < a.Features; j++)
            {
                bool differs = a.Row(t)[j] != b.Row(t)[j];
                Assert.True(differs == (j == c && iv.Contains(t)), $"row {t} column {SwatColumns.Names[j]}: differs={differs}");
            }
        }
    }

    [Fact]
    public void ForcedActuatorHoldsItsStateAndThePlantFollows()
    {
        var iv = new AnomalyInterval(3000, 3300, "attack");
        SwatSyntheticData clean = Gen(4000, []);
        SwatSyntheticData attacked = Gen(4000, [new SwatAttack(iv, SwatAttackKind.ActuatorForced, "MV101", 2)]);
        Series a = attacked.Data.Series, b = clean.Data.Series;
        int mv = SwatColumns.IndexOf("MV101"), fit = SwatColumns.IndexOf("FIT101"), lit = SwatColumns.IndexOf("LIT101");
        for (int t = 0; t < iv.Start; t++) Assert.True(a.Row(t).SequenceEqual(b.Row(t)), $"row {t} differs before the attack");
        for (int t = iv.Start; t < iv.End; t++)
        {
            Assert.Equal(2f, a.Row(t)[mv]);
            Assert.True(a.Row(t)[fit] > 2f);   // the open valve lets water in
        }
        Assert.True(a.Row(iv.End - 1)[lit] > 850f, "a valve forced open for 300 s overfills tank 1 above its band");
        Assert.Equal(AnomalyInterval.Expand([iv], 4000), a.Labels);
    }

    [Fact]
    public void AttackFreePlantKeepsLevelsInBandAndFlowsFollowActuators()
    {
        Series s = Gen(8000, []).Data.Series;
        int mv = SwatColumns.IndexOf("MV101"), fit = SwatColumns.IndexOf("FIT101"), p101 = SwatColumns.IndexOf("P101"), fit201 = SwatColumns.IndexOf("FIT201");
        var states = new HashSet<float>();
        for (int t = 0; t < s.Length; t++)
        {
            ReadOnlySpan<float> r = s.Row(t);
            Assert.Equal(r[mv] == 2, r[fit] > 0);
            Assert.Equal(r[p101] == 2, r[fit201] > 0);
            states.Add(r[p101]);
            foreach ((string level, (float lo, float hi)) in SwatSynthetic.LevelBands)
                Assert.InRange(r[SwatColumns.IndexOf(level)], lo - 10, hi + 10);
        }
        Assert.Equal(2, states.Count);   // the pump cycles
        Assert.DoesNotContain(true, s.Labels!);
    }

    [Fact]
    public void BurnInIsTheSamePlantFurtherOn()
    {
        // noise is indexed from the burn-in's first row, so a period after a burn-in of B rows is rows B.. of one without
        var o = new SwatSyntheticOptions { Rows = 2000, Attacks = 0, Seed = 9, BurnInRows = 1800 };
        Series burnt = SwatSynthetic.Generate(o).Data.Series;
        Series cold = SwatSynthetic.Generate(o with { Rows = 3800, BurnInRows = 0 }).Data.Series;
        for (int t = 0; t < burnt.Length; t += 97) Assert.True(burnt.Row(t).SequenceEqual(cold.Row(t + 1800)), $"row {t}");
        Assert.False(burnt.Row(0).SequenceEqual(cold.Row(0)));
    }

    [Theory]
    [InlineData(1001UL)]
    [InlineData(1002UL)]
    [InlineData(1004UL)]
    [InlineData(1011UL)]
    public void EveryRandomAttackLeavesATraceInsideItsInterval(ulong seed)
    {
        // a fixed forced state can be what the controller does anyway (P602 off between backwashes 30 min apart): then
        // the labelled rows equal the attack-free plant. Forced attacks toggle the state at their start instead.
        var o = new SwatSyntheticOptions { Rows = 20000, Attacks = 6, Seed = seed };
        SwatSyntheticData g = SwatSynthetic.Generate(o);
        for (int i = 0; i < g.Attacks.Count; i++)
        {
            SwatAttack a = g.Attacks[i];
            Assert.NotEqual(SwatSynthetic.Toggle, a.Value);   // resolved to the state held
            var others = g.Attacks.Where((_, j) => j != i).ToList();
            Series without = SwatSynthetic.Generate(o with { Schedule = others }).Data.Series, with = g.Data.Series;
            int c = SwatColumns.IndexOf(a.Column);
            Assert.True(with.Row(a.Interval.Start)[c] != without.Row(a.Interval.Start)[c], $"attack {i} ({a.Kind} {a.Column}) changes nothing at its first row");
        }
    }

    [Fact]
    public void ForcingTheBackwashPumpOffBetweenBackwashesWouldLeaveNoTrace()
    {
        // why Toggle: the old random choice "P602 forced off" at rows without a backwash is a no-op
        var iv = new AnomalyInterval(2000, 2400, "attack");   // backwashes are at rows u % 1800 < 60 of the burnt-in clock
        Series clean = Gen(3000, []).Data.Series;
        Series off = Gen(3000, [new SwatAttack(iv, SwatAttackKind.ActuatorForced, "P602", 1)]).Data.Series;
        SwatSyntheticData toggled = Gen(3000, [new SwatAttack(iv, SwatAttackKind.ActuatorForced, "P602", SwatSynthetic.Toggle)]);
        Assert.Equal(clean.Values, off.Values);
        Assert.Equal(2f, toggled.Attacks[0].Value);
        Assert.Equal(2f, toggled.Data.Series.Row(iv.Start)[SwatColumns.IndexOf("P602")]);
    }

    // ---- seed 000 scores ----

    /// <summary>[N, T, F] inputs and outputs: channels below <paramref name="noisy"/> are white noise the model does not
    /// reconstruct (output 0), the rest are reconstructed up to a small error.</summary>
    private static (float[] Input, float[] Output) Reconstructions(int count, int window, int features, int noisy, ulong seed)
    {
        var input = new float[count * window * features];
        var output = new float[input.Length];
        for (int i = 0; i < input.Length; i++)
        {
            double u1 = Math.Max(CounterRng.Uniform(seed, 2 * (ulong)i, 0, 1), 1e-12), u2 = CounterRng.Uniform(seed, 2 * (ulong)i + 1, 0, 1);
            float z = (float)(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
            bool isNoise = i % features < noisy;
            output[i] = isNoise ? 0 : 0.3f * z;
            input[i] = output[i] + (isNoise ? z : 0.05f * z);
        }
        return (input, output);
    }

    [Fact]
    public void ChannelScoreFlagsASingleChannelSpoofThatWindowMseMisses()
    {
        const int T = 10, F = 20, Noisy = 10, Spoofed = 15;
        (float[] vIn, float[] vOut) = Reconstructions(60, T, F, Noisy, 1);
        (float[] tIn, float[] tOut) = Reconstructions(30, T, F, Noisy, 2);
        const int SpoofWindow = 17;
        for (int t = 0; t < T; t++) tIn[(SpoofWindow * T + t) * F + Spoofed] += 0.8f;   // a constant 0.8 sd off on one channel

        double[] vMse = SwatScores.WindowMse(vIn, vOut, 60), tMse = SwatScores.WindowMse(tIn, tOut, 30);
        double mseThreshold = ThresholdRules.MeanPlusKStd(vMse, 4).Value;
        Assert.True(tMse[SpoofWindow] <= mseThreshold, $"window MSE {tMse[SpoofWindow]} flags the spoof (threshold {mseThreshold})");

        double[] vChannels = SwatScores.ChannelErrors(vIn, vOut, 60, T, F);
        double[] scales = SwatScores.ChannelScales(vChannels, 60, F);
        double[] vScore = SwatScores.MaxRatio(vChannels, scales, 60, new int[60]);
        var top = new int[30];
        double[] tScore = SwatScores.MaxRatio(SwatScores.ChannelErrors(tIn, tOut, 30, T, F), scales, 30, top);
        double threshold = ThresholdRules.MeanPlusKStd(vScore, 4).Value;
        for (int w = 0; w < 30; w++) Assert.Equal(w == SpoofWindow, tScore[w] > threshold);
        Assert.Equal(Spoofed, top[SpoofWindow]);
    }

    [Fact]
    public void ChannelErrorsAreMeanAbsolutePerWindowAndScalesAreFloored()
    {
        // 2 windows, T = 2, F = 2: channel 1 is reconstructed exactly
        float[] input = [1, 5, -1, 5, 2, 0, 2, 0], output = [0, 5, 0, 5, 0, 0, 1, 0];
        double[] e = SwatScores.ChannelErrors(input, output, 2, 2, 2);
        Assert.Equal(new[] { 1.0, 0, 1.5, 0 }, e);
        double[] scales = SwatScores.ChannelScales(e, 2, 2);
        Assert.Equal(new[] { 1.25, SwatScores.ScaleFloor }, scales);
        var top = new int[2];
        Assert.Equal(new[] { 0.8, 1.2 }, SwatScores.MaxRatio(e, scales, 2, top));
        Assert.Equal(new[] { 0, 0 }, top);
        Assert.Equal(new[] { 0.5, 1.25 }, SwatScores.WindowMse(input, output, 2));
        Assert.Throws<ArgumentException>(() => SwatScores.ChannelErrors(input, output, 3, 2, 2));
    }

    [Fact]
    public void SyntheticDataRoundTripsThroughTheRealFormat()
    {
        SwatSyntheticData g = SwatSynthetic.Generate(new SwatSyntheticOptions { Rows = 3000, Attacks = 1, WarmupRows = 500, MaxAttackRows = 300, Seed = 5 });
        string p = files.PathOf("synthetic_swat.csv");
        SwatCsvWriter.Write(p, g.Data);
        Assert.Contains(" MV101", File.ReadLines(p).First());
        SwatData back = SwatReader.Read(p);
        Assert.Equal(g.Data.Series.Values, back.Series.Values);
        Assert.Equal(g.Data.Series.Labels, back.Series.Labels);
        Assert.Equal(g.Data.Timestamps, back.Timestamps);
    }
}
