using RnnEngine.Models.Metrics;
using RnnEngine.Models.Thresholds;
using Xunit;

namespace RnnEngine.Engine.Tests.Models;

public class ThresholdTests
{
    private static readonly double[] Normal = [0, 1, 2, 3, 4];      // median 2
    private static readonly double[] Anomalous = [3, 5, 6, 7];      // median 5.5

    [Fact]
    public void FBetaSearchByHand()
    {
        // steps 4: candidates 2, 2.875, 3.75, 4.625.
        //   2     : TP 4, FP 2, FN 0 -> F0.5 = 5/7,  F2 = 20/22
        //   3.75  : TP 3, FP 1, FN 1 -> F0.5 = 0.75, F2 = 0.75
        //   4.625 : TP 3, FP 0, FN 1 -> F0.5 = 15/16, F2 = 15/19
        Threshold t = ThresholdRules.FBetaSearch(Normal, Anomalous, beta: 0.5, steps: 4);
        Assert.Equal(4.625, t.Value, 12);
        Assert.Equal(15.0 / 16, t.FBeta!.Value, 12);
        Threshold t2 = ThresholdRules.FBetaSearch(Normal, Anomalous, beta: 2, steps: 4);
        Assert.Equal(2.0, t2.Value, 12);
        Assert.Equal(20.0 / 22, t2.FBeta!.Value, 12);
    }

    [Fact]
    public void SeedsSwappedPrecisionRecallWasF2()
    {
        // Seed 001 at beta 0.5 used P' = TP/(TP+FN) and R' = TP/(TP+FP). Its formula then equals the true F2,
        // so it would have picked 2.0 above where the correct F0.5 picks 4.625.
        var c = new ConfusionMatrix(4, 2, 3, 0);
        double pSeed = c.Recall, rSeed = c.Precision, b2 = 0.25;
        double seedF = (1 + b2) * pSeed * rSeed / (b2 * pSeed + rSeed);
        Assert.Equal(c.FBeta(2), seedF, 12);
        Assert.NotEqual(c.FBeta(0.5), seedF, 6);
    }

    [Fact]
    public void FallbacksAndSimpleRules()
    {
        Assert.Equal(new Threshold(8, "2x_max_normal"), ThresholdRules.FBetaSearch(Normal, [], 0.5));
        // Anomalies all at -1: candidates run from 2 down to -0.85 (k < 20), none has an anomaly above it -> F = 0 -> fallback.
        Assert.Equal(8.0, ThresholdRules.FBetaSearch(Normal, [-1, -1]).Value);
        Assert.Equal(2.5, ThresholdRules.Percentile([4, 1, 3, 2], 50).Value, 12);
        Assert.Equal(3.7, ThresholdRules.Percentile([4, 1, 3, 2], 90).Value, 12);
        Assert.Equal(4.0, ThresholdRules.Percentile([4, 1, 3, 2], 100).Value, 12);
        Assert.Equal(2.5 + 2 * Math.Sqrt(1.25), ThresholdRules.MeanPlusKStd([1, 2, 3, 4], 2).Value, 12);
        Assert.Equal(2.5, ThresholdRules.Median([4, 1, 3, 2]));
        var t = new Threshold(1.25, "fbeta", 0.5);
        Assert.Equal(t, Threshold.FromJson(t.ToJson()));
    }
}
