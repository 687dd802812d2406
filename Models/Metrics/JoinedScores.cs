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
}
