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
}
