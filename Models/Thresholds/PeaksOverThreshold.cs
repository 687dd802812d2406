namespace RnnEngine.Models.Thresholds;

/// <summary>
/// Peaks over threshold from extreme value theory, as SPOT's calibration step (Siffer et al., KDD 2017): the scores
/// of normal rows above an initial threshold t (their <see cref="InitialQuantile"/> quantile) are fitted with a
/// generalised Pareto distribution (shape xi, scale sigma), and the threshold is the score exceeded with probability
/// <c>risk</c> under that tail: z = t + sigma / xi ((risk n / N_t)^-xi - 1) (xi = 0: t - sigma ln(risk n / N_t)).
/// The GPD is fitted by the method of moments (xi = (1 - m^2/v) / 2, sigma = m (m^2/v + 1) / 2 for the excesses'
/// mean m and variance v), not by Grimshaw's maximum-likelihood search that SPOT uses: close for xi &lt; 1/4, the
/// usual case for error scores, and it cannot fail to converge. With fewer than <see cref="MinPeaks"/> scores above t
/// (fewer than about 500 normal scores) the tail cannot be fitted and the rule falls back to twice the largest normal
/// score. (Lowering the initial quantile on short series so that 10 scores lie above it was measured and not taken:
/// SMAP/MSL event F1 of the development data 0.756 against 0.784.)
/// </summary>
public static class PeaksOverThreshold
{
    public const double InitialQuantile = 0.98;
    public const int MinPeaks = 10;

    public static Threshold Fit(IReadOnlyList<double> normalScores, double risk)
    {
        if (!(risk > 0 && risk < 1)) throw new ArgumentOutOfRangeException(nameof(risk), $"risk must be in (0, 1), got {risk}");
        double[] s = [.. normalScores.Where(double.IsFinite).Order()];
        if (s.Length == 0) throw new ArgumentException("peaks over threshold needs normal scores");
        double t = ThresholdRules.Quantile(s, InitialQuantile);
        double[] peaks = [.. s.Where(v => v > t).Select(v => v - t)];
        if (peaks.Length < MinPeaks) return ThresholdRules.TwiceMaxNormal(normalScores) with { Method = $"pot(risk={risk:R}) too few peaks: 2x_max_normal" };
        double m = peaks.Average();
        double v = peaks.Sum(p => (p - m) * (p - m)) / (peaks.Length - 1);
        if (!(v > 0)) return ThresholdRules.TwiceMaxNormal(normalScores) with { Method = $"pot(risk={risk:R}) flat tail: 2x_max_normal" };
        double xi = 0.5 * (1 - m * m / v), sigma = 0.5 * m * (m * m / v + 1);
        double r = risk * s.Length / peaks.Length;
        double z = Math.Abs(xi) < 1e-9 ? t - sigma * Math.Log(r) : t + sigma / xi * (Math.Pow(r, -xi) - 1);
        return new Threshold(z, $"pot(risk={risk:R},xi={xi:G3},sigma={sigma:G3})");
    }
}
