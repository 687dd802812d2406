namespace RnnEngine.Models.Metrics;

/// <summary>
/// NAB-style detection delay: for each labelled segment with at least one flagged point, the number of points from
/// the segment's first point to its first flagged point (0 = flagged at onset). Mean and median are over detected
/// segments only and are NaN (null in JSON) when none was detected; the fraction detected says how many that is.
/// </summary>
public sealed record DetectionDelay(int Segments, int[] Delays)
{
    public int Detected => Delays.Length;
    public double FractionDetected => Segments > 0 ? (double)Detected / Segments : 0.0;
    public double Mean => Detected > 0 ? Delays.Average() : double.NaN;

    public double Median
    {
        get
        {
            if (Detected == 0) return double.NaN;
            int[] s = [.. Delays];
            Array.Sort(s);
            int m = s.Length / 2;
            return s.Length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2.0;
        }
    }

    public static DetectionDelay Compute(IReadOnlyList<bool> labels, IReadOnlyList<bool> predicted, IReadOnlyList<long>? index = null)
    {
        if (labels.Count != predicted.Count) throw new ArgumentException($"{predicted.Count} predictions for {labels.Count} labels");
        Segment[] truth = Metrics.Segments.Find(labels, index);
        var delays = new List<int>();
        foreach (Segment s in truth)
            for (int i = s.Start; i < s.End; i++)
                if (predicted[i]) { delays.Add(i - s.Start); break; }
        return new DetectionDelay(truth.Length, [.. delays]);
    }
}
