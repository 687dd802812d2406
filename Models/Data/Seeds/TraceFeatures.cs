namespace RnnEngine.Models.Data.Seeds;

/// <summary>
/// Per-event model inputs for a program trace: the variable id and the time since the previous event ("dt"), and
/// optionally the time since the previous event of the same variable ("dt_same_variable", the execution interval the
/// dataset's authors plot per variable). Event 0 has no predecessor and gets 0 (so rows stay aligned with labels).
/// Why differences and not the raw timestamps seed 002 fed its LSTM: a trace's timestamps grow without bound, so a
/// scaler fitted on the training trace maps every later (test) timestamp outside the range it has seen, and the model
/// is asked to extrapolate on every test event. Differences are bounded, stationary for a periodic program, and carry
/// exactly the timing faults (delays, missing or extra events) the detector should see.
/// </summary>
public static class TraceFeatures
{
    /// <summary>The variables (event ids) of seed 002's program traces: the one-hot width of a trace's rows.</summary>
    public const int Variables = 16;

    public static Series Build(ProgramTrace trace, bool sameVariableGap = false)
    {
        int n = trace.Length, f = sameVariableGap ? 3 : 2;
        var values = new float[n * f];
        var lastSeen = new Dictionary<int, double>();
        for (int i = 0; i < n; i++)
        {
            values[i * f] = trace.Ids[i];
            values[i * f + 1] = i == 0 ? 0 : (float)(trace.Timestamps[i] - trace.Timestamps[i - 1]);
            if (sameVariableGap)
            {
                values[i * f + 2] = lastSeen.TryGetValue(trace.Ids[i], out double prev) ? (float)(trace.Timestamps[i] - prev) : 0;
                lastSeen[trace.Ids[i]] = trace.Timestamps[i];
            }
        }
        string[] names = sameVariableGap ? ["variable_id", "dt", "dt_same_variable"] : ["variable_id", "dt"];
        return new Series(values, f, trace.Labels, trace.Source, names);
    }

    /// <summary>[id, dt] rows with dt replaced by ln(1 + dt): a stall of a few ms on a 2-4 ms write is then as visible
    /// as the same relative change of a 80 ms idle gap, where min-max on dt itself squeezes every write into the
    /// bottom 4 % of the range, below the id errors.</summary>
    public static float[] LogDt(float[] rows)
    {
        float[] x = (float[])rows.Clone();
        for (int i = 1; i < x.Length; i += 2) x[i] = MathF.Log(1 + Math.Max(0, x[i]));
        return x;
    }

    /// <summary>
    /// Model rows [N, V + 1] from [id, dt] <paramref name="features"/>: the variable id one-hot (an id is a category: a
    /// scaled id would make 7 "close" to 8), then the dt column of <paramref name="dtRows"/> ([id, dt] rows, dt already
    /// transformed as the caller wants). An id outside 0..V-1 names the trace and event.
    /// </summary>
    public static float[] OneHot(Series features, float[] dtRows, int variables)
    {
        int f = variables + 1;
        var x = new float[features.Length * f];
        for (int i = 0; i < features.Length; i++)
        {
            int id = (int)features.Values[i * 2];
            if (id < 0 || id >= variables)
                throw new DataFormatException(features.Source, i + 1, "'variable id' (#1)", $"variable id {id} outside 0..{variables - 1}");
            x[i * f + id] = 1;
            x[i * f + variables] = dtRows[i * 2 + 1];
        }
        return x;
    }

    /// <summary>The rows a numeric detector reads for a trace (`--format trace`): the one-hot id and ln(1 + dt) as in
    /// seed 002's run, unscaled (the detector fits its own scaler), with the trace's per-event labels.</summary>
    public static Series DetectorRows(ProgramTrace trace, int variables)
    {
        Series features = Build(trace);
        float[] x = OneHot(features, LogDt(features.Values), variables);
        string[] names = [.. Enumerable.Range(0, variables).Select(v => $"id_{v}"), "log1p_dt"];
        return new Series(x, variables + 1, trace.Labels, trace.Source, names);
    }
}
