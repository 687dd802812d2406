namespace RnnEngine.Models.Data;

/// <summary>
/// What the CSV reader does with a missing cell: an empty cell or a NaN/infinity/NA token. <see cref="Error"/> (the
/// default) rejects it naming file, row and column; the others accept it and say so in a <see cref="MissingReport"/>.
/// Text that is not a number (e.g. "abc") and finite numbers beyond the float32 range are errors under every policy.
/// </summary>
public enum MissingPolicy
{
    Error,
    /// <summary>Leave out every row with a missing cell in a selected column.</summary>
    Drop,
    /// <summary>Repeat the column's previous value; a missing cell before any value is an error.</summary>
    ForwardFill,
    Zero,
}

/// <summary>How many missing cells a read met and what the policy did with them (rows: rows with at least one).</summary>
public sealed record MissingReport(MissingPolicy Policy, int Cells, int Rows, IReadOnlyList<int> DroppedRows)
{
    public static MissingReport None(MissingPolicy policy) => new(policy, 0, 0, []);

    /// <summary>One line for the CLI, e.g. "missing values: 3 cells in 2 rows filled forward".</summary>
    public string Describe() => Cells == 0 ? "missing values: none" : Policy switch
    {
        MissingPolicy.Drop => $"missing values: {Cells} cells; dropped {Rows} rows",
        MissingPolicy.ForwardFill => $"missing values: {Cells} cells in {Rows} rows filled forward",
        MissingPolicy.Zero => $"missing values: {Cells} cells in {Rows} rows set to 0",
        _ => $"missing values: {Cells} cells in {Rows} rows",
    };
}

/// <summary>The policy names a command line uses (<c>--missing error|drop|ffill|zero</c>).</summary>
public static class MissingPolicies
{
    public const string Names = "error|drop|ffill|zero";

    public static bool TryParse(string? text, out MissingPolicy policy)
    {
        policy = MissingPolicy.Error;
        switch (text?.Trim().ToLowerInvariant())
        {
            case "error": return true;
            case "drop": policy = MissingPolicy.Drop; return true;
            case "ffill" or "forward-fill": policy = MissingPolicy.ForwardFill; return true;
            case "zero": policy = MissingPolicy.Zero; return true;
            default: return false;
        }
    }

    public static string Name(MissingPolicy p) => p switch
    {
        MissingPolicy.Drop => "drop",
        MissingPolicy.ForwardFill => "ffill",
        MissingPolicy.Zero => "zero",
        _ => "error",
    };

    /// <summary>Empty, NaN, infinity or NA-like tokens (case-insensitive, spaces ignored): a missing cell.</summary>
    public static bool IsMissingToken(ReadOnlySpan<char> cell)
    {
        ReadOnlySpan<char> s = cell.Trim();
        if (s.Length == 0) return true;
        if (s.Length > 9) return false;
        if (s[0] is '+' or '-') s = s[1..];
        return s.Equals("nan", StringComparison.OrdinalIgnoreCase) || s.Equals("inf", StringComparison.OrdinalIgnoreCase)
            || s.Equals("infinity", StringComparison.OrdinalIgnoreCase) || s.Equals("∞", StringComparison.Ordinal)
            || s.Equals("na", StringComparison.OrdinalIgnoreCase) || s.Equals("n/a", StringComparison.OrdinalIgnoreCase)
            || s.Equals("null", StringComparison.OrdinalIgnoreCase) || s.Equals("none", StringComparison.OrdinalIgnoreCase);
    }
}
