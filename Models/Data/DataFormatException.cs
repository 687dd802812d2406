namespace RnnEngine.Models.Data;

/// <summary>
/// The one exception for bad input data: a missing file, a missing column, a non-numeric or non-finite cell, a ragged
/// row or an empty file. The message is a single line naming the file, the row and column (1-based, as an editor
/// shows them) and what was expected, so the CLI can print it as it is and exit 2.
/// </summary>
public sealed class DataFormatException : Exception
{
    public string File { get; }
    public int? Row { get; }
    public string? Column { get; }

    public DataFormatException(string file, int? row, string? column, string problem, Exception? inner = null)
        : base(Format(file, row, column, problem), inner)
    {
        File = file;
        Row = row;
        Column = column;
    }

    private static string Format(string file, int? row, string? column, string problem)
    {
        string where = file;
        if (row is int r) where += $": row {r}";
        if (column is not null) where += (row is null ? ": " : ", ") + $"column {column}";
        // Keep the message on one line whatever the cell contained.
        return (where + ": " + problem).Replace('\r', ' ').Replace('\n', ' ');
    }

    /// <summary>Shortens a cell for a message so a huge or binary field cannot flood the terminal.</summary>
    internal static string Quote(string? cell)
    {
        if (cell is null) return "nothing";
        string s = cell.Length > 40 ? cell[..40] + "..." : cell;
        return "'" + s + "'";
    }
}
