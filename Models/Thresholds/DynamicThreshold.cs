namespace RnnEngine.Models.Thresholds;

/// <summary>
/// Telemanom's nonparametric dynamic threshold with pruning (Hundman et al., KDD 2018), causal: every
/// <see cref="Step"/> rows the last <see cref="Window"/> scores choose epsilon = mean + z sd, z in 2.5, 3, ..., 12,
/// maximising (delta mean / mean + delta sd / sd) / (above + sequences^2), where the deltas are what the mean and sd
/// lose when the scores above epsilon are removed, "above" counts those scores and "sequences" their runs (only
/// epsilons that leave fewer than half the window above and at most 5 runs compete; none: mean + 12 sd). Pruning: the
/// runs' maxima, sorted descending, followed by the largest score below epsilon; a run is kept while the relative drop
/// from one maximum to the next stays at or above <see cref="MinDecrease"/> somewhere after it. A row is anomalous when
/// its score is above epsilon and the run it belongs to (its maximum so far) reaches the smallest kept maximum.
/// </summary>
public sealed class DynamicThreshold
{
    public const int DefaultWindow = 2000, DefaultStep = 10;
    public const double MinDecrease = 0.13;

    private readonly double[] ring;
    private readonly double[] window;            // the ring in time order, reused by every refit
    private readonly List<double> maxima = [];   // reused too: a stream allocates nothing per row
    private long count;
    private double epsilon = double.PositiveInfinity, keepFrom = double.PositiveInfinity;
    private double runMax = double.NegativeInfinity;

    public DynamicThreshold(int window = DefaultWindow, int step = DefaultStep)
    {
        if (window < 10 || step < 1) throw new ArgumentException($"dynamic threshold: window {window} (>= 10), step {step} (>= 1)");
        ring = new double[window];
        this.window = new double[window];
        Step = step;
    }

    public int Window => ring.Length;
    public int Step { get; }

    /// <summary>The decision for the next row; NaN (a row without a score) is never anomalous and ends a run.</summary>
    public bool Next(double score)
    {
        if (double.IsNaN(score))
        {
            runMax = double.NegativeInfinity;
            return false;
        }
        ring[count % ring.Length] = score;
        count++;
        if (count % Step == 0 || count == Math.Min(ring.Length, 50)) Refit();
        if (!(score > epsilon))
        {
            runMax = double.NegativeInfinity;
            return false;
        }
        runMax = Math.Max(runMax, score);
        return runMax >= keepFrom;
    }

    /// <summary>The state between rows: counters, the fitted cut and the scores in the ring (only the filled slots).</summary>
    public void Save(BinaryWriter w)
    {
        w.Write(count); w.Write(epsilon); w.Write(keepFrom); w.Write(runMax);
        int filled = (int)Math.Min(count, ring.Length);
        for (int i = 0; i < filled; i++) w.Write(ring[i]);
    }

    public void Load(BinaryReader r)
    {
        count = r.ReadInt64(); epsilon = r.ReadDouble(); keepFrom = r.ReadDouble(); runMax = r.ReadDouble();
        if (count < 0) throw new InvalidDataException($"dynamic threshold state: negative row count {count}");
        int filled = (int)Math.Min(count, ring.Length);
        for (int i = 0; i < filled; i++) ring[i] = r.ReadDouble();
    }

    public static bool[] Apply(ReadOnlySpan<double> scores, int window = DefaultWindow, int step = DefaultStep)
    {
        var d = new DynamicThreshold(window, step);
        var flags = new bool[scores.Length];
        for (int i = 0; i < scores.Length; i++) flags[i] = d.Next(scores[i]);
        return flags;
    }

    /// <summary>Epsilon and the pruning cut from the scores in the window, oldest first.</summary>
    private void Refit()
    {
        int n = (int)Math.Min(count, ring.Length);
        if (n < 50) return;   // too few scores to judge: nothing is flagged yet
        Span<double> e = window.AsSpan(0, n);
        long first = count - n;
        for (int i = 0; i < n; i++) e[i] = ring[(first + i) % ring.Length];
        (double mean, double sd) = MeanSd(e, double.PositiveInfinity);
        if (!(sd > 0))
        {
            epsilon = double.PositiveInfinity;
            return;
        }
        double best = double.NegativeInfinity, chosen = mean + 12 * sd;
        for (double z = 2.5; z <= 12; z += 0.5)
        {
            double eps = mean + z * sd;
            int above = 0, runs = 0;
            for (int i = 0; i < n; i++)
                if (e[i] > eps) { above++; if (i == 0 || !(e[i - 1] > eps)) runs++; }
            if (above == 0 || above >= n / 2 || runs > 5) continue;
            (double m2, double s2) = MeanSd(e, eps);
            double f = ((mean - m2) / mean + (sd - s2) / sd) / (above + runs * runs);
            if (f >= best) { best = f; chosen = eps; }
        }
        epsilon = chosen;
        // pruning: run maxima, descending, then the largest normal score
        maxima.Clear();
        double normalMax = double.NegativeInfinity, current = double.NegativeInfinity;
        for (int i = 0; i < n; i++)
        {
            if (e[i] > epsilon) current = Math.Max(current, e[i]);
            else
            {
                normalMax = Math.Max(normalMax, e[i]);
                if (current > double.NegativeInfinity) { maxima.Add(current); current = double.NegativeInfinity; }
            }
        }
        if (current > double.NegativeInfinity) maxima.Add(current);
        maxima.Sort((a, b) => b.CompareTo(a));
        maxima.Add(normalMax);
        keepFrom = double.PositiveInfinity;
        for (int i = 0; i < maxima.Count - 1; i++)
            if ((maxima[i] - maxima[i + 1]) / maxima[i] >= MinDecrease) keepFrom = maxima[i];
        // a run larger than every run in the window (the newest one may be) is kept as well
        if (double.IsPositiveInfinity(keepFrom) && maxima.Count == 1) keepFrom = epsilon;
    }

    private static (double Mean, double Sd) MeanSd(ReadOnlySpan<double> e, double below)
    {
        double sum = 0, sq = 0;
        int k = 0;
        foreach (double v in e)
            if (v < below) { sum += v; sq += v * v; k++; }
        if (k < 2) return (0, 0);
        double mean = sum / k;
        return (mean, Math.Sqrt(Math.Max(0, sq / k - mean * mean)));
    }
}
