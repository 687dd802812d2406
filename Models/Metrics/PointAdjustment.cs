namespace RnnEngine.Models.Metrics;

/// <summary>F1 of PA%K for K = 0..100 (<c>F1ByK[k]</c>) and the area under that curve with K scaled to [0, 1].</summary>
public sealed record PaKCurve(double[] F1ByK, double Auc);

/// <summary>
/// Point adjustment. PA (Xu et al., WWW 2018): when any point of a labelled anomaly segment is flagged, every point
/// of that segment counts as a true positive. PA%K (Kim et al., AAAI 2022): the segment is adjusted only when at
/// least K% of its points are flagged (and at least one is, so PA%0 is PA); PA%100 adjusts only fully flagged
/// segments, which changes nothing, so PA%100 is the point-wise score. Only true positives and false negatives move:
/// points outside labelled segments keep their point-wise FP/TN.
/// </summary>
public static class PointAdjustment
{
    public const int MaxK = 100;

    /// <summary>The confusion counts after PA%K (K = 0 is plain PA).</summary>
    public static ConfusionMatrix Confusion(IReadOnlyList<bool> labels, IReadOnlyList<bool> predicted, int k = 0, IReadOnlyList<long>? index = null)
    {
        if (k < 0 || k > MaxK) throw new ArgumentOutOfRangeException(nameof(k), $"K must be in [0, {MaxK}], got {k}");
        ConfusionMatrix point = ConfusionMatrix.From(predicted, labels);
        Segment[] truth = Segments.Find(labels, index);
        return Adjust(point, truth, Segments.FlaggedCounts(truth, predicted), k);
    }

    public static PaKCurve Curve(IReadOnlyList<bool> labels, IReadOnlyList<bool> predicted, IReadOnlyList<long>? index = null)
    {
        ConfusionMatrix point = ConfusionMatrix.From(predicted, labels);
        Segment[] truth = Segments.Find(labels, index);
        int[] counts = Segments.FlaggedCounts(truth, predicted);
        var f1 = new double[MaxK + 1];
        for (int k = 0; k <= MaxK; k++) f1[k] = Adjust(point, truth, counts, k).F1;
        double area = 0;
        for (int k = 0; k < MaxK; k++) area += 0.5 * (f1[k] + f1[k + 1]) / MaxK;   // trapezoids of width 1/100
        return new PaKCurve(f1, area);
    }

    private static ConfusionMatrix Adjust(ConfusionMatrix point, Segment[] truth, int[] flagged, int k)
    {
        long tp = 0, positives = point.TruePositives + point.FalseNegatives;
        for (int s = 0; s < truth.Length; s++)
        {
            int len = truth[s].Length, c = flagged[s];
            // integer form of c / len >= k / 100, so K% of a segment is exact
            bool adjusted = c > 0 && (long)c * MaxK >= (long)k * len;
            tp += adjusted ? len : c;
        }
        return new ConfusionMatrix(tp, point.FalsePositives, point.TrueNegatives, positives - tp);
    }
}
