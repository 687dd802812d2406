using RnnEngine.Models.Metrics;
using Xunit;

namespace RnnEngine.Engine.Tests.Models;

public class MetricsTests
{
    [Fact]
    public void ConfusionAndDerivedMetricsByHand()
    {
        bool[] actual =    [true, true, true, false, false, false, false, true];
        bool[] predicted = [true, true, false, true, false, false, false, false];
        ConfusionMatrix c = ConfusionMatrix.From(predicted, actual);
        Assert.Equal(new ConfusionMatrix(2, 1, 3, 2), c);
        Assert.Equal(2.0 / 3, c.Precision, 12);
        Assert.Equal(0.5, c.Recall, 12);
        Assert.Equal(2 * (2.0 / 3) * 0.5 / (2.0 / 3 + 0.5), c.F1, 12);            // 4/7
        // F0.5 = 1.25 * P * R / (0.25 * P + R) = 1.25 * (1/3) / (1/6 + 1/2) = 0.625
        Assert.Equal(0.625, c.FBeta(0.5), 12);
        // F2 = 5 * (1/3) / (4 * 2/3 + 1/2) = (5/3) / (19/6) = 10/19
        Assert.Equal(10.0 / 19, c.FBeta(2), 12);
        Assert.Equal(0.0, new ConfusionMatrix(0, 0, 5, 0).Precision);
        Assert.Equal(c, ConfusionMatrix.AtThreshold([0.9, 0.8, 0.5, 0.7, 0.1, 0.2, 0.6, 0.6], actual, 0.6));
    }

    [Fact]
    public void RocAucMannWhitneyWithTies()
    {
        // Positives 0.8, 0.4; negatives 0.4, 0.1, 0.3. Pairs: (0.8 beats all 3) = 3, (0.4 vs 0.4 tie = 0.5, beats 0.1, 0.3) = 2.5.
        // AUC = 5.5 / 6.
        double[] s = [0.8, 0.4, 0.4, 0.1, 0.3];
        bool[] y = [true, true, false, false, false];
        Assert.Equal(5.5 / 6, RankingMetrics.RocAuc(s, y), 12);
        Assert.Equal(1.0, RankingMetrics.RocAuc([2, 1], [true, false]), 12);
        Assert.Equal(0.0, RankingMetrics.RocAuc([1, 2], [true, false]), 12);
        Assert.Equal(0.5, RankingMetrics.RocAuc([1, 1, 1], [true, false, true]), 12);
        Assert.True(double.IsNaN(RankingMetrics.RocAuc([1, 2], [true, true])));
    }

    [Fact]
    public void AveragePrecisionByHand()
    {
        // Descending: 0.9(+) 0.8(-) 0.7(+) 0.1(-). AP = 0.5 * 1 + 0.5 * (2/3) = 5/6 (scikit-learn gives the same).
        Assert.Equal(5.0 / 6, RankingMetrics.AveragePrecision([0.1, 0.7, 0.8, 0.9], [false, true, false, true]), 12);
        // Tie of a positive and a negative at the top: one step, recall 1/1, precision 1/2 -> 0.5.
        Assert.Equal(0.5, RankingMetrics.AveragePrecision([0.5, 0.5, 0.1], [true, false, false]), 12);
        // The earlier AUC example: thresholds 0.8 (tp 1/1), 0.4 (tp 2, seen 3) -> 0.5 * 1 + 0.5 * 2/3.
        Assert.Equal(5.0 / 6, RankingMetrics.AveragePrecision([0.8, 0.4, 0.4, 0.1, 0.3], [true, true, false, false, false]), 12);
        Assert.True(double.IsNaN(RankingMetrics.AveragePrecision([1.0], [false])));
    }

    [Fact]
    public void ReportJson()
    {
        var r = MetricsReport.Compute([0.9, 0.2], [true, false], [true, true]);
        Assert.Equal("{\"count\":2,\"skipped\":0,\"positives\":1,\"roc_auc\":1,\"pr_auc\":1,\"precision\":0.5,\"recall\":1,\"f1\":0.666667,\"tp\":1,\"fp\":1,\"tn\":0,\"fn\":0}", r.ToJson());
        Assert.Contains("\"roc_auc\":null", MetricsReport.Compute([0.9], [true], null).ToJson());
    }
}
