using RnnEngine.Models.Data;
using RnnEngine.Models.Detection;
using RnnEngine.Models.Scoring;
using RnnEngine.Models.Thresholds;
using RnnEngine.Models.Training;
using Xunit;

namespace RnnEngine.Engine.Tests.Models;

/// <summary>The parts of the detector's default score: column roles, the one-sided channel score, smoothing, peaks over
/// threshold, the event gap and the learning-rate halvings.</summary>
public class DetectionScoreTests
{
    [Fact]
    public void ColumnRolesFindFlagsConstantsAndClocks()
    {
        // columns: measurement, 0/1 flag, constant 5, clock (0, 10, 20, ...), constant 0 (a flag that never toggled)
        var v = new List<float>();
        for (int t = 0; t < 20; t++) v.AddRange([(float)Math.Sin(t), t % 3 == 0 ? 1 : 0, 5, 10 * t, 0]);
        var roles = ColumnRoles.Detect(new Series([.. v], 5));
        Assert.Equal([ColumnRole.Measurement, ColumnRole.Flag, ColumnRole.Constant, ColumnRole.Timestamp, ColumnRole.Flag], roles);
        Assert.Equal([0], ColumnRoles.Scored(roles));
        Assert.Equal([1, 3], ColumnRoles.Scored(roles, [1, 3]));
        // no measurement: the constants are scored (by their departures); nothing at all: every column
        Assert.Equal([2], ColumnRoles.Scored([ColumnRole.Flag, ColumnRole.Flag, ColumnRole.Constant]));
        Assert.Equal([0, 1], ColumnRoles.Scored([ColumnRole.Flag, ColumnRole.Timestamp]));
        string said = ColumnRoles.Describe(roles, [0], ["m", "f", "c", "clock", "z"])!;
        Assert.Contains("flag f,z", said);
        Assert.Contains("constant c", said);
        Assert.Contains("timestamp clock", said);
    }

    [Fact]
    public void ChannelScoreIsOneSidedAndStandardisedPerChannel()
    {
        // two scored channels of three; channel 1 errors 1 +- 1, channel 2 errors 10 +- 2 (alternating)
        int f = 3;
        var errors = new List<float>();
        for (int t = 0; t < 100; t++) errors.AddRange([7, t % 2 == 0 ? 0 : 2, t % 2 == 0 ? 8 : 12]);
        float[] e = [.. errors], scaled = new float[e.Length];
        bool[] use = [.. Enumerable.Repeat(true, 100)];
        var cs = ChannelScore.Fit(e, scaled, f, use, [1, 2], [false, false]);
        Assert.Equal(1.0, cs.Mean[0], 12);
        Assert.Equal(10.0, cs.Mean[1], 12);
        double sd1 = Math.Sqrt(100.0 / 99), sd2 = 2 * sd1;
        Assert.Equal(sd1, cs.Scale[0], 9);
        Assert.Equal(sd2, cs.Scale[1], 9);
        // channel 0 is not scored; channel 1 at 4 = (4 - 1) / sd1; channel 2 below its mean counts 0, not negative
        Assert.Equal((3 / sd1 + 0) / 2, cs.Row([100, 4, 0], [0, 0, 0]), 9);
        Assert.Equal(0.0, cs.Row([0, 0, 0], [0, 0, 0]));
        var back = ChannelScore.FromJson(cs.ToJson());
        Assert.Equal(cs.Row([1, 5, 20], [0, 0, 0]), back.Row([1, 5, 20], [0, 0, 0]));
    }

    [Fact]
    public void TopChannelsAverageTheLargestChannelScores()
    {
        var cs = new ChannelScore([0, 1, 2, 3], new bool[4], new double[4], [1, 1, 1, 1], top: 2);
        Assert.Equal((9 + 5) / 2.0, cs.Row([1, 9, 5, 3], new float[4]), 12);
        Assert.Equal(4, new ChannelScore([0, 1, 2, 3], new bool[4], new double[4], [1, 1, 1, 1], top: 7).Top);
        Assert.Equal(2, ChannelScore.FromJson(cs.ToJson()).Top);
    }

    [Fact]
    public void ConstantChannelIsScoredByItsDepartureFromTheTrainingValue()
    {
        // the network's error on the constant channel is ignored; the scaled value (0 = the training constant) counts
        var cs = ChannelScore.Fit(new float[4], new float[4], 1, [true, true, true, true], [0], [true]);
        Assert.Equal(0.0, cs.Row([5], [0]));
        Assert.Equal(2.0 / ChannelScore.ScaleFloor, cs.Row([0], [-2]), 9);
    }

    [Fact]
    public void SmootherIsCausalAndSkipsRowsWithoutAScore()
    {
        double[] s = [double.NaN, 1, 3, double.NaN, 3];
        ScoreSmoother.Apply(s, 3);   // alpha = 0.5
        Assert.True(double.IsNaN(s[0]) && double.IsNaN(s[3]));
        Assert.Equal([1.0, 2.0, 2.5], new[] { s[1], s[2], s[4] });
        var stream = new ScoreSmoother(3);
        Assert.Equal(1.0, stream.Next(1));
        Assert.Equal(2.0, stream.Next(3));
        double[] same = [4, 4];
        ScoreSmoother.Apply(same, 1);
        Assert.Equal([4.0, 4.0], same);
    }

    [Fact]
    public void EventGapMergesCloseExceedancesCausally()
    {
        double[] s = [0, 5, 0, 0, 5, 0, 0, 0, 0, double.NaN, 5];
        Assert.Equal([false, true, false, false, true, false, false, false, false, false, true], AlarmHold.Apply(s, 1, 0));
        // gap 2: rows 2-3 bridge the two exceedances into one event; the alarm holds 2 rows after the last one
        Assert.Equal([false, true, true, true, true, true, true, false, false, false, true], AlarmHold.Apply(s, 1, 2));
    }

    [Fact]
    public void PeaksOverThresholdMatchesTheExponentialTail()
    {
        // exponential scores (rate 1): the GPD of the excesses has xi = 0 and sigma = 1, so the level exceeded with
        // probability q is -ln q; the quantile grid below is exact, so the moment fit lands close
        int n = 200_000;
        double[] s = [.. Enumerable.Range(0, n).Select(i => -Math.Log(1 - (i + 0.5) / n))];
        Threshold t = PeaksOverThreshold.Fit(s, 1e-4);
        Assert.Equal(-Math.Log(1e-4), t.Value, 0.15);
        Assert.StartsWith("pot(", t.Method);
        // too few peaks above the 98th percentile to fit a tail (200 scores: 4): twice the largest normal score
        double[] shortSeries = [.. Enumerable.Range(0, 200).Select(i => -Math.Log(1 - (i + 0.5) / 200))];
        Assert.Equal(2 * shortSeries.Max(), PeaksOverThreshold.Fit(shortSeries, 1e-3).Value);
        Assert.Equal(8.0, PeaksOverThreshold.Fit([1, 2, 3, 4], 1e-3).Value);
    }

    [Fact]
    public void DynamicThresholdFlagsTheSpikeAndPrunesTheNoise()
    {
        var rng = new Random(4);
        double[] s = [.. Enumerable.Range(0, 600).Select(_ => 1 + 0.1 * rng.NextDouble())];
        for (int i = 400; i < 405; i++) s[i] = 5;      // one clear event
        s[300] = 1.2;                                   // a small bump: less than 13 % above the largest normal score, pruned
        bool[] flags = DynamicThreshold.Apply(s, window: 300, step: 1);
        Assert.All(Enumerable.Range(400, 5), i => Assert.True(flags[i], $"row {i} of the event"));
        Assert.True(flags.Count(f => f) == 5, "flagged rows " + string.Join(",", Enumerable.Range(0, s.Length).Where(i => flags[i])));
        // a constant score has no spread: nothing is ever flagged
        Assert.DoesNotContain(true, DynamicThreshold.Apply([.. Enumerable.Repeat(2.0, 200)], window: 100));
        // causal: the flags of a prefix do not depend on what follows
        Assert.Equal(flags.AsSpan(0, 402).ToArray(), DynamicThreshold.Apply(s.AsSpan(0, 402), window: 300, step: 1));
    }

    [Fact]
    public void LearningRateHalvesOncePerPlateauOfDecayPatienceEpochs()
    {
        var o = new TrainOptions { DecayPatience = 2, MinDelta = 0 };
        Assert.Equal(0, Trainer.Halvings([5, 4, 3], o));
        Assert.Equal(1, Trainer.Halvings([5, 4, 4, 4], o));
        Assert.Equal(2, Trainer.Halvings([5, 4, 4, 4, 4, 4, 3, 3], o));
        Assert.Equal(0, Trainer.Halvings([5, 6, 6], o with { DecayPatience = 0 }));
    }
}
