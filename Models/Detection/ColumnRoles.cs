using RnnEngine.Models.Data;

namespace RnnEngine.Models.Detection;

/// <summary>What a column of the training rows is, as far as the score is concerned.</summary>
public enum ColumnRole
{
    /// <summary>Varies over more than the values 0 and 1: modelled and scored.</summary>
    Measurement,
    /// <summary>Every training value is 0 or 1 (a command or state flag, constant 0 or 1 included): an input, never scored;
    /// a flag that toggles is normal operation, not an anomaly.</summary>
    Flag,
    /// <summary>One value on every training row (other than 0 or 1): nothing to model. Scored only when no measurement
    /// is left, and then by its departure from that value.</summary>
    Constant,
    /// <summary>Strictly increasing with evenly spaced steps (a row counter or clock): an input, never scored.</summary>
    Timestamp,
}

/// <summary>Finds the role of every column from the training rows and picks the columns that enter the score.</summary>
public static class ColumnRoles
{
    public static ColumnRole[] Detect(Series rows)
    {
        int f = rows.Features, n = rows.Length;
        var roles = new ColumnRole[f];
        for (int c = 0; c < f; c++)
        {
            bool flag = true, constant = true, increasing = n >= 3, even = true;
            float first = rows.Values[c];
            double step0 = n >= 2 ? (double)rows.Values[f + c] - first : 0;
            for (int t = 0; t < n; t++)
            {
                float v = rows.Values[t * f + c];
                if (v is not (0f or 1f)) flag = false;
                if (v != first) constant = false;
                if (t > 0)
                {
                    double step = (double)v - rows.Values[(t - 1) * f + c];
                    if (!(step > 0)) increasing = false;
                    if (Math.Abs(step - step0) > 1e-6 * Math.Max(1, Math.Abs(step0))) even = false;
                }
            }
            roles[c] = flag ? ColumnRole.Flag : constant ? ColumnRole.Constant : increasing && even ? ColumnRole.Timestamp : ColumnRole.Measurement;
        }
        return roles;
    }

    /// <summary>
    /// The scored columns: the measurements; when there are none, the constant columns (their departures from the
    /// training value); when there are none of those either, every column. <paramref name="chosen"/> (from
    /// --score-columns) overrides all of it.
    /// </summary>
    public static int[] Scored(ColumnRole[] roles, int[]? chosen = null)
    {
        if (chosen is { Length: > 0 }) return chosen;
        int[] pick(ColumnRole r) => [.. Enumerable.Range(0, roles.Length).Where(c => roles[c] == r)];
        int[] scored = pick(ColumnRole.Measurement);
        if (scored.Length == 0) scored = pick(ColumnRole.Constant);
        if (scored.Length == 0) scored = [.. Enumerable.Range(0, roles.Length)];
        return scored;
    }

    /// <summary>One line for stderr: which columns are left out of the score and why (null when none are).</summary>
    public static string? Describe(ColumnRole[] roles, int[] scored, IReadOnlyList<string> names)
    {
        var parts = new List<string>();
        foreach (ColumnRole r in new[] { ColumnRole.Flag, ColumnRole.Constant, ColumnRole.Timestamp })
        {
            var cols = Enumerable.Range(0, roles.Length).Where(c => roles[c] == r && Array.IndexOf(scored, c) < 0).ToList();
            if (cols.Count == 0) continue;
            string list = string.Join(",", cols.Take(6).Select(c => c < names.Count ? names[c] : $"#{c}")) + (cols.Count > 6 ? $",... ({cols.Count})" : "");
            parts.Add($"{r.ToString().ToLowerInvariant()} {list}");
        }
        return parts.Count == 0 ? null
            : $"columns kept as inputs and left out of the score: {string.Join("; ", parts)} (--score-columns overrides)";
    }
}
