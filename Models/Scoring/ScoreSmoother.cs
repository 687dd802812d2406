namespace RnnEngine.Models.Scoring;

/// <summary>
/// Causal exponentially weighted mean of a score series with span S (weight 2 / (S + 1) on the newest value), so a
/// stream smooths row by row exactly as a whole file does. S = 1 leaves the scores as they are. A row without a score
/// (NaN) stays NaN and leaves the state alone; the first scored row starts the mean.
/// Why: a labelled anomaly lasts many rows while a network's error on it flickers; the mean keeps the score up across
/// the event and damps single-row noise on normal data.
/// </summary>
public sealed class ScoreSmoother(int span)
{
    private readonly double alpha = span <= 1 ? 1.0 : 2.0 / (span + 1);
    private double mean = double.NaN;

    public int Span { get; } = Math.Max(1, span);

    public double Next(double raw)
    {
        if (double.IsNaN(raw)) return double.NaN;
        mean = double.IsNaN(mean) ? raw : mean + alpha * (raw - mean);
        return mean;
    }

    public void Save(BinaryWriter w) => w.Write(mean);

    public void Load(BinaryReader r) => mean = r.ReadDouble();

    /// <summary>Smooths a whole series in place from a fresh state.</summary>
    public static void Apply(Span<double> scores, int span)
    {
        var s = new ScoreSmoother(span);
        for (int i = 0; i < scores.Length; i++) scores[i] = s.Next(scores[i]);
    }
}
