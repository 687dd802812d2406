namespace RnnEngine.Models.Metrics;

/// <summary>
/// Binary confusion counts with anomalies as the positive class, and the metrics derived from them. A ratio whose
/// denominator is zero is 0 (scikit-learn's zero_division=0), so no NaN reaches a report.
/// </summary>
public readonly record struct ConfusionMatrix(long TruePositives, long FalsePositives, long TrueNegatives, long FalseNegatives)
{
    public long Total => TruePositives + FalsePositives + TrueNegatives + FalseNegatives;
    public double Precision => Ratio(TruePositives, TruePositives + FalsePositives);
    public double Recall => Ratio(TruePositives, TruePositives + FalseNegatives);
    public double F1 => FBeta(1);
    public double Accuracy => Ratio(TruePositives + TrueNegatives, Total);
    public double FalsePositiveRate => Ratio(FalsePositives, FalsePositives + TrueNegatives);

    /// <summary>(1 + b^2) TP / ((1 + b^2) TP + b^2 FN + FP): beta &gt; 1 weights recall, beta &lt; 1 precision.</summary>
    public double FBeta(double beta)
    {
        if (!(beta > 0) || !double.IsFinite(beta)) throw new ArgumentOutOfRangeException(nameof(beta), $"beta must be positive, got {beta}");
        double b2 = beta * beta;
        double num = (1 + b2) * TruePositives;
        return Ratio(num, num + b2 * FalseNegatives + FalsePositives);
    }

    private static double Ratio(double num, double den) => den > 0 ? num / den : 0.0;

    public static ConfusionMatrix From(IReadOnlyList<bool> predicted, IReadOnlyList<bool> actual)
    {
        if (predicted.Count != actual.Count)
            throw new ArgumentException($"{predicted.Count} predictions for {actual.Count} labels");
        long tp = 0, fp = 0, tn = 0, fn = 0;
        for (int i = 0; i < predicted.Count; i++)
        {
            if (predicted[i]) { if (actual[i]) tp++; else fp++; }
            else { if (actual[i]) fn++; else tn++; }
        }
        return new ConfusionMatrix(tp, fp, tn, fn);
    }

    /// <summary>Predicts anomalous where score &gt; threshold (seed 001's rule: strictly above).</summary>
    public static ConfusionMatrix AtThreshold(IReadOnlyList<double> scores, IReadOnlyList<bool> actual, double threshold)
    {
        if (scores.Count != actual.Count) throw new ArgumentException($"{scores.Count} scores for {actual.Count} labels");
        var predicted = new bool[scores.Count];
        for (int i = 0; i < predicted.Length; i++) predicted[i] = scores[i] > threshold;
        return From(predicted, actual);
    }
}
