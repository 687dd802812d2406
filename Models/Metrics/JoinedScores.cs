using RnnEngine.Models.Data;

namespace RnnEngine.Models.Metrics;

/// <summary>
/// Scored rows joined with their labels and put in index order, which the segment metrics need (a scores file may
/// list rows in any order). Warm-up rows (no score) are left out and counted in <see cref="Skipped"/>.
/// <see cref="Predicted"/> is the scores file's is_anomaly column, or null when it has none.
/// </summary>
public sealed record JoinedScores(long[] Index, double[] Scores, bool[] Labels, bool[]? Predicted, int Skipped)
{
    public int Count => Scores.Length;

    public static JoinedScores From(string scoresPath, IReadOnlyList<ScoredRow> rows, string labelsPath, IReadOnlyDictionary<long, bool> labels)
    {
        var scored = new List<ScoredRow>(rows.Count);
        foreach (ScoredRow r in rows)
        {
            if (r.Score is null) continue;
            if (!labels.ContainsKey(r.Index))
                throw new DataFormatException(labelsPath, null, null, $"no label for index {r.Index} scored in {scoresPath}");
            scored.Add(r);
        }
        if (scored.Count == 0) throw new DataFormatException(scoresPath, null, "'score'", "every row is a warm-up row: nothing to evaluate");
        scored.Sort((a, b) => a.Index.CompareTo(b.Index));
        bool anyDecision = rows.Any(r => r.Predicted is not null);
        int n = scored.Count;
        var index = new long[n];
        var scores = new double[n];
        var truth = new bool[n];
        bool[]? predicted = anyDecision ? new bool[n] : null;
        for (int i = 0; i < n; i++)
        {
            index[i] = scored[i].Index;
            scores[i] = scored[i].Score!.Value;
            truth[i] = labels[scored[i].Index];
            if (predicted is not null) predicted[i] = scored[i].Predicted ?? false;
        }
        return new JoinedScores(index, scores, truth, predicted, rows.Count - n);
    }

    /// <summary>Aggregates of the scored rows of a window: seed 001 scored a window by its largest point score.</summary>
    public static readonly string[] Aggregates = ["max", "last", "mean"];

    /// <summary>
    /// Seed 001's window-level view of a per-row score file: non-overlapping windows of <paramref name="size"/> rows
    /// (window k holds indices [kT, kT + T)), labelled anomalous when any of its rows is labelled (warm-up rows
    /// included), scored by the max, last or mean of its scored rows, flagged when any of its rows is. Windows with no
    /// scored row, or not wholly in the labels (a partial last window), are left out and counted in Skipped.
    /// Index becomes the window number.
    /// </summary>
    public JoinedScores Windowed(int size, string aggregate, IReadOnlyDictionary<long, bool> labels)
    {
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), $"window of {size} rows");
        if (!Aggregates.Contains(aggregate)) throw new ArgumentException($"aggregate '{aggregate}': expected {string.Join(", ", Aggregates)}");
        var index = new List<long>();
        var scores = new List<double>();
        var truth = new List<bool>();
        var flagged = Predicted is null ? null : new List<bool>();
        int skipped = 0;
        for (int i = 0; i < Count;)
        {
            long w = Index[i] / size;
            int start = i;
            while (i < Count && Index[i] / size == w) i++;
            bool whole = true, label = false;
            for (long r = w * size; r < (w + 1) * size; r++)
            {
                if (!labels.TryGetValue(r, out bool l)) { whole = false; break; }
                label |= l;
            }
            if (!whole) { skipped++; continue; }
            double score = aggregate switch
            {
                "max" => Scores.AsSpan(start, i - start).ToArray().Max(),
                "last" => Scores[i - 1],
                _ => Scores.AsSpan(start, i - start).ToArray().Average(),
            };
            index.Add(w);
            scores.Add(score);
            truth.Add(label);
            flagged?.Add(Predicted!.AsSpan(start, i - start).Contains(true));
        }
        if (index.Count == 0) throw new ArgumentException($"no whole window of {size} rows holds a scored row");
        return new JoinedScores([.. index], [.. scores], [.. truth], flagged?.ToArray(), skipped);
    }
}
