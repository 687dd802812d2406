namespace RnnEngine.Models.Metrics;

/// <summary>A threshold searched on the test labels (score &gt; Threshold is flagged) and the counts it reaches.</summary>
public sealed record OracleThreshold(double Threshold, ConfusionMatrix Confusion);

/// <summary>
/// Thresholds chosen by looking at the test labels. They are upper bounds, not results: a detector cannot know them
/// before seeing the anomalies, so reports print them under "oracle" only. Every distinct score is a candidate (flag
/// every score at or above it); the threshold printed is the next lower distinct score, so the rule "score &gt;
/// threshold" flags exactly that set (below the lowest score: the next double below it). Ties in F1 keep the highest
/// threshold (fewest flags). Without a candidate reaching F1 &gt; 0 (e.g. no labelled anomaly) the result is null.
/// </summary>
public static class OracleThresholds
{
    /// <summary>The threshold with the best point-wise F1, in one sweep over the sorted scores.</summary>
    public static OracleThreshold? BestPointF1(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        Check(scores, labels);
        var items = new (double Value, long Tp, long Fp)[scores.Count];
        for (int i = 0; i < scores.Count; i++) items[i] = (scores[i], labels[i] ? 1 : 0, labels[i] ? 0 : 1);
        return Sweep(items, Positives(labels), scores.Count);
    }

    /// <summary>
    /// The threshold with the best point-adjusted (PA) F1. A segment is detected exactly when its largest score is
    /// above the threshold, and then all its points count, so each segment enters the sweep once, at its maximum,
    /// carrying its length; normal points enter at their own score.
    /// </summary>
    public static OracleThreshold? BestPointAdjustedF1(IReadOnlyList<double> scores, IReadOnlyList<bool> labels, IReadOnlyList<long>? index = null)
    {
        Check(scores, labels);
        var items = new List<(double Value, long Tp, long Fp)>();
        for (int i = 0; i < scores.Count; i++) if (!labels[i]) items.Add((scores[i], 0, 1));
        foreach (Segment s in Segments.Find(labels, index))
        {
            double max = double.NegativeInfinity;
            for (int i = s.Start; i < s.End; i++) max = Math.Max(max, scores[i]);
            items.Add((max, s.Length, 0));
        }
        return Sweep([.. items], Positives(labels), scores.Count);
    }

    private static OracleThreshold? Sweep((double Value, long Tp, long Fp)[] items, long positives, long total)
    {
        Array.Sort(items, (a, b) => b.Value.CompareTo(a.Value));   // descending: lowering the threshold adds items
        long tp = 0, fp = 0;
        double bestF1 = 0;
        OracleThreshold? best = null;
        for (int i = 0; i < items.Length;)
        {
            int j = i;
            while (j < items.Length && items[j].Value == items[i].Value) { tp += items[j].Tp; fp += items[j].Fp; j++; }
            var c = new ConfusionMatrix(tp, fp, total - positives - fp, positives - tp);
            if (c.F1 > bestF1)
            {
                bestF1 = c.F1;
                double threshold = j < items.Length ? items[j].Value : Math.BitDecrement(items[i].Value);
                best = new OracleThreshold(threshold, c);
            }
            i = j;
        }
        return best;
    }

    private static long Positives(IReadOnlyList<bool> labels)
    {
        long p = 0;
        foreach (bool l in labels) if (l) p++;
        return p;
    }

    private static void Check(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        if (scores.Count != labels.Count) throw new ArgumentException($"{scores.Count} scores for {labels.Count} labels");
        for (int i = 0; i < scores.Count; i++)
            if (!double.IsFinite(scores[i])) throw new ArgumentException($"score {i} is not finite: {scores[i]}");
    }
}
