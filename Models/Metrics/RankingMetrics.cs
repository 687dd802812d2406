namespace RnnEngine.Models.Metrics;

/// <summary>
/// Threshold-free ranking metrics of scores against binary labels (anomaly = positive), computed by sorting once.
/// ROC AUC is the Mann-Whitney statistic with tied scores given their average rank, which equals the trapezoidal
/// area under the ROC curve that scikit-learn's roc_auc_score computes. PR AUC is average precision
/// (scikit-learn's average_precision_score): sum over distinct thresholds of (R_k - R_{k-1}) P_k, ties handled by
/// taking all tied scores at once. Both need at least one positive and, for ROC, one negative: otherwise NaN with the
/// reason left to the caller (a JSON report prints null).
/// </summary>
public static class RankingMetrics
{
    public static double RocAuc(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        int[] order = SortedIndices(scores, labels);
        long pos = 0, neg = 0;
        double rankSumPos = 0;
        int n = order.Length;
        for (int i = 0; i < n;)
        {
            int j = i;
            while (j < n && scores[order[j]] == scores[order[i]]) j++;
            double avgRank = (i + 1 + j) / 2.0;   // ranks i+1 .. j (1-based) share their mean
            for (int k = i; k < j; k++)
                if (labels[order[k]]) { pos++; rankSumPos += avgRank; } else neg++;
            i = j;
        }
        if (pos == 0 || neg == 0) return double.NaN;
        return (rankSumPos - pos * (pos + 1) / 2.0) / ((double)pos * neg);
    }

    public static double AveragePrecision(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        int[] order = SortedIndices(scores, labels);
        Array.Reverse(order);   // descending: the highest score is predicted first
        long totalPos = 0;
        foreach (bool l in labels) if (l) totalPos++;
        if (totalPos == 0) return double.NaN;
        long tp = 0, seen = 0;
        double ap = 0, prevRecall = 0;
        int n = order.Length;
        for (int i = 0; i < n;)
        {
            int j = i;
            while (j < n && scores[order[j]] == scores[order[i]]) j++;
            for (int k = i; k < j; k++) if (labels[order[k]]) tp++;
            seen += j - i;
            double recall = (double)tp / totalPos;
            ap += (recall - prevRecall) * ((double)tp / seen);
            prevRecall = recall;
            i = j;
        }
        return ap;
    }

    private static int[] SortedIndices(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        if (scores.Count != labels.Count) throw new ArgumentException($"{scores.Count} scores for {labels.Count} labels");
        for (int i = 0; i < scores.Count; i++)
            if (double.IsNaN(scores[i])) throw new ArgumentException($"score {i} is NaN");
        int[] order = new int[scores.Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        double[] keys = new double[scores.Count];
        for (int i = 0; i < keys.Length; i++) keys[i] = scores[i];
        Array.Sort(keys, order);
        return order;
    }
}
