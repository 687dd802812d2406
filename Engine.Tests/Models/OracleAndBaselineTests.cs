using System.Text.Json.Nodes;
using RnnEngine.Models.Metrics;
using Xunit;

namespace RnnEngine.Engine.Tests.Models;

/// <summary>Oracle thresholds (searched on the labels) and the seeded random-score baseline.</summary>
public class OracleAndBaselineTests
{
    [Fact]
    public void BestPointF1ThresholdByHand()
    {
        // descending 0.9(+) 0.8(-) 0.7(+) 0.6(-) 0.1(-), P = 2. Flag the top k:
        //   k=1: TP1 FP0 FN1 -> 2/3;  k=2: TP1 FP1 FN1 -> 2/4;  k=3: TP2 FP1 -> 4/5;  k=4: 4/6;  k=5: 4/7
        // best k=3 (flag >= 0.7); "score > t" with t = next lower score 0.6 flags exactly those
        OracleThreshold? o = OracleThresholds.BestPointF1([0.9, 0.8, 0.7, 0.6, 0.1], [true, false, true, false, false]);
        Assert.NotNull(o);
        Assert.Equal(0.6, o.Threshold);
        Assert.Equal(new ConfusionMatrix(2, 1, 2, 0), o.Confusion);
        Assert.Equal(0.8, o.Confusion.F1, 12);
        // ties enter together: {0.5, 0.5} -> TP1 FP1 = 2/3 beats all three (TP1 FP2 = 1/2)
        Assert.Equal(0.1, OracleThresholds.BestPointF1([0.5, 0.5, 0.1], [true, false, false])!.Threshold);
        // flagging everything is best here (F1 1 vs 2/3): the threshold is the double just below the lowest score
        OracleThreshold all = OracleThresholds.BestPointF1([0.3, 0.2], [true, true])!;
        Assert.True(all.Threshold < 0.2 && 0.2 - all.Threshold < 1e-15);
        Assert.Equal(new ConfusionMatrix(2, 0, 0, 0), ConfusionMatrix.AtThreshold([0.3, 0.2], [true, true], all.Threshold));
        // no anomaly: no threshold reaches F1 > 0
        Assert.Null(OracleThresholds.BestPointF1([0.3, 0.2], [false, false]));
    }

    [Fact]
    public void BestPointAdjustedF1ThresholdByHand()
    {
        // position  0    1    2    3    4    5    6    7
        // label     0    1    1    1    0    0    1    1     segments [1,4) max 0.9 (len 3), [6,8) max 0.4 (len 2)
        // score    0.5  0.1  0.9  0.2  0.6  0.3  0.4  0.05   normals 0.5, 0.6, 0.3; P = 5, N = 3
        // lowering the threshold past: 0.9 -> TP3 FP0 FN2: 6/8;  0.6 -> FP1: 6/9;  0.5 -> FP2: 6/10;
        //   0.4 -> TP5 FP2: 10/12 (best);  0.3 -> FP3: 10/13. Threshold = 0.3 (next lower item).
        double[] s = [0.5, 0.1, 0.9, 0.2, 0.6, 0.3, 0.4, 0.05];
        bool[] y = [false, true, true, true, false, false, true, true];
        OracleThreshold o = OracleThresholds.BestPointAdjustedF1(s, y)!;
        Assert.Equal(0.3, o.Threshold);
        Assert.Equal(new ConfusionMatrix(5, 2, 1, 0), o.Confusion);
        Assert.Equal(10.0 / 12, o.Confusion.F1, 12);
        // the sweep agrees with adjusting the decisions at that threshold
        bool[] p = s.Select(v => v > o.Threshold).ToArray();
        Assert.Equal(o.Confusion, PointAdjustment.Confusion(y, p));
        // point-wise the same threshold is much worse: TP2 (0.9, 0.4) FP2 FN3 -> 4/9
        Assert.Equal(4.0 / 9, ConfusionMatrix.From(p, y).F1, 12);
    }

    [Fact]
    public void SweepsAgreeWithTryingEveryThreshold()
    {
        // 300 points, a few segments of random length, scores on a coarse grid so ties occur; the one-pass sweeps must
        // find the same best F1 as evaluating "score > t" at every distinct score (and below the lowest).
        var rng = new Random(11);
        for (int trial = 0; trial < 5; trial++)
        {
            var y = new bool[300];
            for (int s = 0; s < 4; s++)
            {
                int start = rng.Next(300), len = rng.Next(1, 30);
                for (int i = start; i < Math.Min(300, start + len); i++) y[i] = true;
            }
            double[] score = y.Select(l => Math.Round(rng.NextDouble() + (l ? 0.3 : 0), 1)).ToArray();
            double bestPoint = 0, bestPa = 0;
            foreach (double t in score.Append(score.Min() - 1))
            {
                bool[] p = score.Select(v => v > t).ToArray();
                bestPoint = Math.Max(bestPoint, ConfusionMatrix.From(p, y).F1);
                bestPa = Math.Max(bestPa, PointAdjustment.Confusion(y, p).F1);
            }
            OracleThreshold point = OracleThresholds.BestPointF1(score, y)!, pa = OracleThresholds.BestPointAdjustedF1(score, y)!;
            Assert.Equal(bestPoint, point.Confusion.F1, 12);
            Assert.Equal(bestPa, pa.Confusion.F1, 12);
            Assert.Equal(point.Confusion, ConfusionMatrix.AtThreshold(score, y, point.Threshold));
            Assert.Equal(pa.Confusion, PointAdjustment.Confusion(y, score.Select(v => v > pa.Threshold).ToArray()));
        }
    }

    [Fact]
    public void RandomScoresAreSeededUniform()
    {
        double[] a = RandomBaseline.Scores(1000, 1), b = RandomBaseline.Scores(1000, 1), c = RandomBaseline.Scores(1000, 2);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.All(a, v => Assert.InRange(v, 0.0, 0.999999999));
        Assert.InRange(a.Average(), 0.45, 0.55);   // 1000 uniforms: sd of the mean 0.009
        // the highest k, ties to the earlier position
        Assert.Equal([false, true, false, true], RandomBaseline.FlagHighest([0.2, 0.9, 0.5, 0.9], 2));
        Assert.Equal([false, true, true, true], RandomBaseline.FlagHighest([0.2, 0.9, 0.5, 0.9], 3));
        Assert.Equal([true, false, false], RandomBaseline.FlagHighest([0.5, 0.5, 0.1], 1));
    }

    [Fact]
    public void RandomScoreGetsHighPointAdjustedF1AndLowPointF1()
    {
        // 1000 points, one 200-point anomaly; the "detector" flags 50 points (5%), so the random baseline flags its
        // 50 highest uniform scores. Expected, not exact: about 10 of them land in the segment (point F1 about
        // 2*10/(2*10+40+190) = 0.08), and the chance that none does is 0.95^200 < 1e-4, so PA counts all 200 points
        // as found: PA-F1 about 400/440 = 0.91. The seed is fixed, so the figures below are one deterministic draw.
        var y = new bool[1000];
        for (int i = 400; i < 600; i++) y[i] = true;
        var real = new bool[1000];
        for (int i = 0; i < 50; i++) real[400 + i] = true;   // a real detector's 50 flags at the onset
        double[] scores = real.Select(f => f ? 1.0 : 0.0).ToArray();
        EvaluationSuite suite = EvaluationSuite.Compute(null, scores, y, real, "scores-file", null);
        ScoreEvaluation r = suite.Random;
        Assert.Equal(50, r.Flagged);
        Assert.Equal(50, suite.Real.Flagged);
        Assert.NotNull(r.Decisions);
        Assert.InRange(r.Decisions.Point.F1, 0.0, 0.15);
        Assert.InRange(r.Decisions.PointAdjusted.F1, 0.85, 0.95);
        Assert.InRange(r.Decisions.PaK.Auc, 0.0, 0.25);        // PA%K removes most of the inflation
        Assert.InRange(r.RocAuc, 0.45, 0.55);
        // the real detector: point F1 = 100 / (100 + 0 + 150) = 0.4, PA-F1 1, PA%K adjusts for K <= 25 (50 of 200)
        Assert.Equal(0.4, suite.Real.Decisions!.Point.F1, 12);
        Assert.Equal(1.0, suite.Real.Decisions.PointAdjusted.F1, 12);
        Assert.Equal(1.0, suite.Real.Decisions.PaK.F1ByK[25], 12);
        Assert.Equal(0.4, suite.Real.Decisions.PaK.F1ByK[26], 12);
    }

    [Fact]
    public void SuiteJsonMarksOracleAndRandomBaseline()
    {
        // labels 0 1 1 0, scores 0.1 0.8 0.3 0.6, decisions 0 1 0 1
        double[] s = [0.1, 0.8, 0.3, 0.6];
        bool[] y = [false, true, true, false], p = [false, true, false, true];
        var o = new JsonObject();
        EvaluationSuite.Compute([0, 1, 2, 3], s, y, p, "scores-file", null, 5).AddTo(o, 4);
        Assert.Equal("scores-file", (string?)o["threshold"]!["source"]);
        Assert.Equal(2, (int)o["threshold"]!["flagged"]!);
        Assert.Equal(0.5, (double)o["point"]!["f1"]!);                     // TP1 FP1 FN1: 2/4
        Assert.Equal(0.8, (double)o["point_adjusted"]!["f1"]!);            // segment [1,3) hit: TP2 FP1 FN0: 4/5
        Assert.Equal(101, o["pa_k"]!["f1_by_k"]!.AsArray().Count);
        // oracle: flag {0.8}: 2/3; {0.8, 0.6}: 2/4; {.., 0.3}: TP2 FP1 4/5 (best, threshold 0.1); all: 4/6
        Assert.Equal(0.1, (double)o["oracle"]!["best_f1_threshold"]!);
        Assert.Equal(0.8, (double)o["oracle"]!["at_best_f1_threshold"]!["point"]!["f1"]!);
        Assert.Equal(5UL, (ulong)o["random_baseline"]!["seed"]!);
        Assert.NotNull(o["random_baseline"]!["point_adjusted"]);
        Assert.NotNull(o["random_baseline"]!["oracle"]);
        // no decisions: no threshold-based family outside "oracle"
        var bare = new JsonObject();
        EvaluationSuite.Compute(null, s, y, null, "scores-file", null).AddTo(bare, 4);
        Assert.Null(bare["threshold"]);
        Assert.Null(bare["point"]);
        Assert.Null(bare["random_baseline"]!["point"]);
        Assert.NotNull(bare["oracle"]!["best_f1_threshold"]);
    }
}
