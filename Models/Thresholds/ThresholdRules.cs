using RnnEngine.Models.Metrics;

namespace RnnEngine.Models.Thresholds;

/// <summary>The threshold rules of the seeds, each a pure function of scores.</summary>
public static class ThresholdRules
{
    /// <summary>
    /// Seed 001's search: candidates from median(normal) towards median(anomalous) in <paramref name="steps"/> equal
    /// steps (the seed's 20: candidates lower + k delta, k = 0..steps-1), keeping the first candidate with the highest
    /// F-beta. F-beta is computed correctly with anomalies as the positive class: TP = anomalous scores above the
    /// candidate, FP = normal scores above, FN = anomalous scores at or below. (The seed's helper counted the anomalous
    /// scores below as FP and the normal scores above as FN, swapping precision and recall, so its beta = 0.5
    /// behaved as F2.) Without anomalous scores, or when no candidate reaches F &gt; 0, it falls back to
    /// <see cref="TwiceMaxNormal"/>, as the seed did when vA was smaller than one batch.
    /// </summary>
    public static Threshold FBetaSearch(IReadOnlyList<double> normalScores, IReadOnlyList<double> anomalousScores, double beta = 0.5, int steps = 20)
    {
        if (normalScores.Count == 0) throw new ArgumentException("the F-beta search needs normal scores");
        if (steps <= 0) throw new ArgumentOutOfRangeException(nameof(steps), "steps must be positive");
        if (anomalousScores.Count == 0) return TwiceMaxNormal(normalScores);
        double lower = Median(normalScores), upper = Median(anomalousScores);
        double delta = (upper - lower) / steps;
        double best = 0, bestThreshold = double.NaN;
        for (int k = 0; k < steps; k++)
        {
            double candidate = lower + k * delta;
            long tp = Above(anomalousScores, candidate), fp = Above(normalScores, candidate);
            var c = new ConfusionMatrix(tp, fp, normalScores.Count - fp, anomalousScores.Count - tp);
            double f = c.FBeta(beta);
            if (f > best) { best = f; bestThreshold = candidate; }
        }
        if (!(best > 0)) return TwiceMaxNormal(normalScores);
        return new Threshold(bestThreshold, $"fbeta(beta={beta:R},steps={steps})", best);
    }

    /// <summary>Seed 001's fallback: twice the largest normal score.</summary>
    public static Threshold TwiceMaxNormal(IReadOnlyList<double> normalScores)
    {
        if (normalScores.Count == 0) throw new ArgumentException("the fallback threshold needs normal scores");
        return new Threshold(2 * normalScores.Max(), "2x_max_normal");
    }

    /// <summary>Seed 002: the p-th percentile of training errors, linear interpolation between order statistics (numpy's default).</summary>
    public static Threshold Percentile(IReadOnlyList<double> trainingScores, double percent)
    {
        if (trainingScores.Count == 0) throw new ArgumentException("the percentile needs training scores");
        if (!(percent >= 0 && percent <= 100)) throw new ArgumentOutOfRangeException(nameof(percent), $"percentile must be in [0, 100], got {percent}");
        double[] s = trainingScores.Order().ToArray();
        return new Threshold(Quantile(s, percent / 100), $"percentile({percent:R})");
    }

    /// <summary>The q-quantile of sorted values, linear interpolation between order statistics (numpy's default).</summary>
    internal static double Quantile(double[] sorted, double q)
    {
        double pos = q * (sorted.Length - 1);
        int lo = (int)Math.Floor(pos), hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    /// <summary>Seed 004: mean + k standard deviations (population std) of normal scores.</summary>
    public static Threshold MeanPlusKStd(IReadOnlyList<double> normalScores, double k = 3)
    {
        if (normalScores.Count == 0) throw new ArgumentException("mean + k sd needs scores");
        double mean = normalScores.Average();
        double var = normalScores.Sum(v => (v - mean) * (v - mean)) / normalScores.Count;
        return new Threshold(mean + k * Math.Sqrt(var), $"mean_plus_k_std(k={k:R})");
    }

    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0) throw new ArgumentException("median of nothing");
        double[] s = values.Order().ToArray();
        int m = s.Length / 2;
        return s.Length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
    }

    private static long Above(IReadOnlyList<double> scores, double threshold)
    {
        long n = 0;
        for (int i = 0; i < scores.Count; i++) if (scores[i] > threshold) n++;
        return n;
    }
}
