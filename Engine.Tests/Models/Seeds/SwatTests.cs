using RnnEngine.Models.Data;
using RnnEngine.Models.Data.Seeds;
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
