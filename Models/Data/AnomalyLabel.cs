namespace RnnEngine.Models.Data;

/// <summary>
/// Parses one anomaly label cell. Accepted (case-insensitive, surrounding spaces ignored): 0/1, false/true,
/// normal/anomaly, normal/anomalous, and the same words with a trailing dot, because seed 001's preparation writes
/// "normal." while its online code tests "normal" — both spellings must mean the same.
/// </summary>
public static class AnomalyLabel
{
    public const string Expected = "a label 0/1, false/true or normal/anomaly";

    public static bool? TryParse(string? cell)
    {
        if (cell is null) return null;
        string s = cell.Trim();
        if (s.EndsWith('.')) s = s[..^1];
        return s.ToLowerInvariant() switch
        {
            "0" or "false" or "normal" => false,
            "1" or "true" or "anomaly" or "anomalous" => true,
            _ => null,
        };
    }
}
