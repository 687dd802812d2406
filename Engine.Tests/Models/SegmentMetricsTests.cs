using RnnEngine.Models.Metrics;
using Xunit;

namespace RnnEngine.Engine.Tests.Models;

/// <summary>Hand-worked examples of the segment-aware metrics; the comments carry the arithmetic.</summary>
public class SegmentMetricsTests
{
    private static bool[] B(string s) => s.Select(c => c == '1').ToArray();

    // Example A, positions 0..11:
    //   labels    0 0 1 1 1 1 0 0 1 1 0 0   segments [2,6) (length 4) and [8,10) (length 2), P = 6
    //   predicted 0 1 0 0 1 1 0 0 0 0 1 1   events [1,2), [4,6), [10,12)
    private static readonly bool[] LabelsA = B("001111001100");
    private static readonly bool[] PredA = B("010011000011");

    [Fact]
    public void SegmentsAreMaximalRunsAndAnIndexJumpEndsOne()
    {
        Assert.Equal([new Segment(2, 6), new Segment(8, 10)], Segments.Find(LabelsA));
        Assert.Equal([new Segment(1, 2), new Segment(4, 6), new Segment(10, 12)], Segments.Find(PredA));
        Assert.Empty(Segments.Find(B("000")));
        Assert.Equal([new Segment(0, 3)], Segments.Find(B("111")));
        // rows 0,1 and 5,6 are adjacent in the file but indices 2..4 are missing: two segments, not one
        Assert.Equal([new Segment(0, 2), new Segment(2, 4)], Segments.Find(B("1111"), [0, 1, 5, 6]));
        Assert.Equal([2, 0], Segments.FlaggedCounts(Segments.Find(LabelsA), PredA));
    }

    [Fact]
    public void PointWiseAndPointAdjustedByHand()
    {
        // point-wise: TP = {4,5} = 2, FP = {1,10,11} = 3, FN = {2,3,8,9} = 4, TN = {0,6,7} = 3
        // F1 = 2TP / (2TP + FP + FN) = 4 / 11
        ConfusionMatrix point = ConfusionMatrix.From(PredA, LabelsA);
        Assert.Equal(new ConfusionMatrix(2, 3, 3, 4), point);
        Assert.Equal(4.0 / 11, point.F1, 12);
        // PA: segment [2,6) has a flag, so all 4 of its points are TP; [8,10) has none: TP = 4, FN = 2; FP, TN unchanged
        // F1 = 8 / (8 + 3 + 2) = 8 / 13
        ConfusionMatrix pa = PointAdjustment.Confusion(LabelsA, PredA);
        Assert.Equal(new ConfusionMatrix(4, 3, 3, 2), pa);
        Assert.Equal(8.0 / 13, pa.F1, 12);
        Assert.Equal(4.0 / 7, pa.Precision, 12);
        Assert.Equal(4.0 / 6, pa.Recall, 12);
    }

    [Fact]
    public void PaKCurveAndAreaByHand()
    {
        // segment [2,6) has 2 of 4 points flagged = 50%: adjusted for K <= 50 (F1 8/13), not above (F1 = point-wise 4/11)
        PaKCurve c = PointAdjustment.Curve(LabelsA, PredA);
        Assert.Equal(101, c.F1ByK.Length);
        for (int k = 0; k <= 50; k++) Assert.Equal(8.0 / 13, c.F1ByK[k], 12);
        for (int k = 51; k <= 100; k++) Assert.Equal(4.0 / 11, c.F1ByK[k], 12);
        // trapezoids of width 0.01: 50 at 8/13, one from 8/13 to 4/11, 49 at 4/11
        //   = 0.50 * 8/13 + 0.01 * (8/13 + 4/11) / 2 + 0.49 * 4/11 = 0.505 * 8/13 + 0.495 * 4/11
        Assert.Equal(0.505 * 8 / 13 + 0.495 * 4 / 11, c.Auc, 12);
        // PA%0 is PA, PA%100 is point-wise
        Assert.Equal(PointAdjustment.Confusion(LabelsA, PredA).F1, c.F1ByK[0], 12);
        Assert.Equal(ConfusionMatrix.From(PredA, LabelsA).F1, c.F1ByK[100], 12);
        Assert.Equal(ConfusionMatrix.From(PredA, LabelsA), PointAdjustment.Confusion(LabelsA, PredA, 100));
        Assert.Throws<ArgumentOutOfRangeException>(() => PointAdjustment.Confusion(LabelsA, PredA, 101));
    }

    [Fact]
    public void PaKThresholdIsExactAtOneThird()
    {
        // one segment of 3 with 1 flag = 33.3%: K = 33 adjusts (1*100 >= 33*3 = 99), K = 34 does not (100 < 102)
        bool[] y = B("0111"), p = B("0100");
        PaKCurve c = PointAdjustment.Curve(y, p);
        Assert.Equal(1.0, c.F1ByK[33], 12);           // TP 3, FP 0, FN 0
        Assert.Equal(0.5, c.F1ByK[34], 12);           // TP 1, FN 2: 2 / (2 + 2)
    }

    [Fact]
    public void EventWiseByHand()
    {
        // events [1,2) no label, [4,6) inside [2,6), [10,12) no label: precision 1/3
        // segments [2,6) hit, [8,10) missed: recall 1/2; F1 = 2 (1/3)(1/2) / (1/3 + 1/2) = (1/3) / (5/6) = 2/5
        EventMetrics e = EventMetrics.Compute(LabelsA, PredA);
        Assert.Equal(new EventMetrics(3, 1, 2, 1), e);
        Assert.Equal(1.0 / 3, e.Precision, 12);
        Assert.Equal(0.5, e.Recall, 12);
        Assert.Equal(0.4, e.F1, 12);
        // an event that straddles a segment boundary counts once, and hits the segment
        Assert.Equal(new EventMetrics(1, 1, 1, 1), EventMetrics.Compute(B("0011"), B("0110")));
    }

    [Fact]
    public void DetectionDelayByHand()
    {
        // [2,6): first flag at 4, delay 4 - 2 = 2; [8,10): not detected -> mean = median = 2, fraction 1/2
        DetectionDelay d = DetectionDelay.Compute(LabelsA, PredA);
        Assert.Equal(2, d.Segments);
        Assert.Equal([2], d.Delays);
        Assert.Equal(0.5, d.FractionDetected, 12);
        Assert.Equal(2.0, d.Mean, 12);
        Assert.Equal(2.0, d.Median, 12);
        // three segments with delays 0, 3, 1 (sorted 0 1 3): mean 4/3, median 1; the fourth segment is missed
        //   labels 11 0 1111 0 111 0 11
        //   flags  10 0 0001 0 010 0 00
        DetectionDelay d3 = DetectionDelay.Compute(B("11011110111011"), B("1000001001000"+"0"));
        Assert.Equal([0, 3, 1], d3.Delays);
        Assert.Equal(4.0 / 3, d3.Mean, 12);
        Assert.Equal(1.0, d3.Median, 12);
        Assert.Equal(0.75, d3.FractionDetected, 12);
        // an even count takes the mean of the middle two: delays 0 and 3 -> 1.5
        Assert.Equal(1.5, DetectionDelay.Compute(B("1101111"), B("1000001")).Median, 12);
    }

    [Fact]
    public void SparseFlagsInflatePointAdjustedF1()
    {
        // 1000 points, one anomaly segment [405, 605) of 200 points; every 20th point flagged, as an uninformed
        // detector flagging 5% would: 50 flags, 10 of them inside the segment (420, 440, ..., 600).
        var y = new bool[1000];
        var p = new bool[1000];
        for (int i = 405; i < 605; i++) y[i] = true;
        for (int i = 0; i < 1000; i += 20) p[i] = true;
        // point-wise: TP 10, FP 40, FN 190: P = 0.2, R = 0.05, F1 = 20 / (20 + 40 + 190) = 0.08
        ConfusionMatrix point = ConfusionMatrix.From(p, y);
        Assert.Equal(new ConfusionMatrix(10, 40, 760, 190), point);
        Assert.Equal(0.08, point.F1, 12);
        // PA: one flag in the segment makes all 200 points TP: F1 = 400 / (400 + 40 + 0) = 10/11 = 0.909
        ConfusionMatrix pa = PointAdjustment.Confusion(y, p);
        Assert.Equal(new ConfusionMatrix(200, 40, 760, 0), pa);
        Assert.Equal(10.0 / 11, pa.F1, 12);
        // PA%K: 10 of 200 = 5% flagged, adjusted for K <= 5 only. Area = 0.055 * 10/11 + 0.945 * 0.08 = 0.1256
        PaKCurve c = PointAdjustment.Curve(y, p);
        Assert.Equal(10.0 / 11, c.F1ByK[5], 12);
        Assert.Equal(0.08, c.F1ByK[6], 12);
        Assert.Equal(0.055 * 10 / 11 + 0.945 * 0.08, c.Auc, 12);
        // events: 50 one-point events, 10 on target: precision 0.2, recall 1/1, F1 = 0.4 / 1.2 = 1/3
        EventMetrics e = EventMetrics.Compute(y, p);
        Assert.Equal(new EventMetrics(50, 10, 1, 1), e);
        Assert.Equal(1.0 / 3, e.F1, 12);
        // delay: first flag at 420, 15 points after the onset at 405
        Assert.Equal([15], DetectionDelay.Compute(y, p).Delays);
    }

    [Fact]
    public void NoAnomaliesGiveZerosAndNoDelay()
    {
        bool[] y = B("00000"), p = B("01100");
        Assert.Equal(new ConfusionMatrix(0, 2, 3, 0), PointAdjustment.Confusion(y, p));
        PaKCurve c = PointAdjustment.Curve(y, p);
        Assert.All(c.F1ByK, f => Assert.Equal(0.0, f));
        Assert.Equal(0.0, c.Auc);
        EventMetrics e = EventMetrics.Compute(y, p);
        Assert.Equal(new EventMetrics(1, 0, 0, 0), e);
        Assert.Equal(0.0, e.Precision);
        Assert.Equal(0.0, e.Recall);
        DetectionDelay d = DetectionDelay.Compute(y, p);
        Assert.Equal(0, d.Segments);
        Assert.True(double.IsNaN(d.Mean) && double.IsNaN(d.Median));
        Assert.Equal(0.0, d.FractionDetected);
    }

    [Fact]
    public void EverythingFlagged()
    {
        // labels 0 0 1 1 1 0, all flagged: TP 3, FP 3: P 1/2, R 1, F1 2/3; the segment is fully flagged, so every K
        // adjusts and changes nothing: the curve is flat at 2/3 and so is its area. One event covering everything.
        bool[] y = B("001110"), p = B("111111");
        Assert.Equal(new ConfusionMatrix(3, 3, 0, 0), PointAdjustment.Confusion(y, p));
        PaKCurve c = PointAdjustment.Curve(y, p);
        Assert.All(c.F1ByK, f => Assert.Equal(2.0 / 3, f, 12));
        Assert.Equal(2.0 / 3, c.Auc, 12);
        Assert.Equal(new EventMetrics(1, 1, 1, 1), EventMetrics.Compute(y, p));
        Assert.Equal([0], DetectionDelay.Compute(y, p).Delays);
    }

    [Fact]
    public void SegmentAtTheEnd()
    {
        // labels 0 0 0 1 1 (segment [3,5) runs to the end), flag at 4 only
        // point: TP 1, FN 1: F1 = 2 / 3; PA: TP 2: F1 = 1; 1 of 2 = 50% -> K <= 50 adjusted; delay 1
        bool[] y = B("00011"), p = B("00001");
        Assert.Equal([new Segment(3, 5)], Segments.Find(y));
        Assert.Equal(2.0 / 3, ConfusionMatrix.From(p, y).F1, 12);
        Assert.Equal(1.0, PointAdjustment.Confusion(y, p).F1, 12);
        PaKCurve c = PointAdjustment.Curve(y, p);
        Assert.Equal(1.0, c.F1ByK[50], 12);
        Assert.Equal(2.0 / 3, c.F1ByK[51], 12);
        Assert.Equal([1], DetectionDelay.Compute(y, p).Delays);
        Assert.Equal(new EventMetrics(1, 1, 1, 1), EventMetrics.Compute(y, p));
    }
}
