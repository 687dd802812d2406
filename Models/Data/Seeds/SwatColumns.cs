namespace RnnEngine.Models.Data.Seeds;

/// <summary>
/// The 51 sensor and actuator columns of the SWaT A1/A2 (December 2015) physical data, in the order of the export and
/// of seed 000's constants (stages P1..P6), plus the timestamp and label column names after stray spaces are removed.
/// Actuators hold states, not measurements: motorised valves MV* are 0 (in transition), 1 (closed) or 2 (open); pumps
/// P* and the UV unit UV401 are 1 (off) or 2 (on).
/// </summary>
public static class SwatColumns
{
    public const string Timestamp = "Timestamp";
    public const string Label = "Normal/Attack";

    public static readonly IReadOnlyList<string> Names =
    [
        "FIT101", "LIT101", "MV101", "P101", "P102",
        "AIT201", "AIT202", "AIT203", "FIT201", "MV201", "P201", "P202", "P203", "P204", "P205", "P206",
        "DPIT301", "FIT301", "LIT301", "MV301", "MV302", "MV303", "MV304", "P301", "P302",
        "AIT401", "AIT402", "FIT401", "LIT401", "P401", "P402", "P403", "P404", "UV401",
        "AIT501", "AIT502", "AIT503", "AIT504", "FIT501", "FIT502", "FIT503", "FIT504", "P501", "P502",
        "PIT501", "PIT502", "PIT503",
        "FIT601", "P601", "P602", "P603",
    ];

    public static int Count => Names.Count;

    public static int IndexOf(string name)
    {
        for (int i = 0; i < Names.Count; i++)
            if (Names[i] == name) return i;
        throw new ArgumentException($"'{name}' is not a SWaT column");
    }

    /// <summary>True for valves, pumps and the UV unit (state columns), false for analog measurements.</summary>
    public static bool IsActuator(string name) => name.StartsWith("MV", StringComparison.Ordinal)
        || name.StartsWith("UV", StringComparison.Ordinal) || (name.StartsWith('P') && !name.StartsWith("PIT", StringComparison.Ordinal));

    /// <summary>Header cell as written in the export, reduced to the name: every space removed (seed 000 did the same).</summary>
    public static string Normalise(string? cell) => (cell ?? "").Replace(" ", "", StringComparison.Ordinal).Trim();
}
