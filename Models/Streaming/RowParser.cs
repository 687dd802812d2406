using System.Globalization;
using RnnEngine.Models.Data;

namespace RnnEngine.Models.Streaming;

/// <summary>What <see cref="RowParser.Parse"/> made of a line.</summary>
public enum RowOutcome { Row, Dropped, Blank }

/// <summary>
/// Parses the lines of a streamed CSV (plain delimiter-separated, no quoted fields) into a reused row [F] of the
/// detector's columns, with the same rules as <see cref="CsvSeriesReader"/>: a cell that is not a finite float is an
/// error naming input, line and column, unless it is a missing token and the <see cref="MissingPolicy"/> accepts it.
/// Allocates only while reading the header.
/// </summary>
public sealed class RowParser
{
    private readonly string source;
    private readonly char delimiter;
    private readonly MissingPolicy policy;
    private readonly IReadOnlyList<string>? wanted;
    private readonly int features;
    private readonly float[] previous;
    private string[]? header;
    private int[] selected = [];    // field index of each feature, in feature order
    private int[] featureOfField = [];  // -1 for a field that is not a feature
    private int width = -1;
    private bool hasPrevious;

    /// <param name="columns">feature columns by header name (null: every field is a feature, in order)</param>
    public RowParser(string source, int features, IReadOnlyList<string>? columns, bool hasHeader, MissingPolicy policy, char delimiter = ',')
    {
        this.source = source;
        this.features = features;
        wanted = columns;
        this.policy = policy;
        this.delimiter = delimiter;
        previous = new float[features];
        NeedsHeader = hasHeader;
    }

    public bool NeedsHeader { get; private set; }
    public int MissingCells { get; private set; }
    public int MissingRows { get; private set; }

    public MissingReport Report() => new(policy, MissingCells, MissingRows, []);

    /// <summary>Reads the header line and resolves the columns.</summary>
    public void ReadHeader(ReadOnlySpan<char> line, int lineNumber)
    {
        header = [.. line.ToString().Split(delimiter).Select(h => h.Trim().Trim('"'))];
        NeedsHeader = false;
        if (header.Length == 1 && header[0].Length == 0)
            throw new DataFormatException(source, lineNumber, null, "empty header: expected the column names");
        Resolve(header.Length, lineNumber);
    }

    private void Resolve(int fields, int lineNumber)
    {
        width = fields;
        if (wanted is not null && header is not null)
        {
            selected = new int[wanted.Count];
            for (int j = 0; j < wanted.Count; j++)
            {
                int i = Array.IndexOf(header, wanted[j]);
                if (i < 0)
                    throw new DataFormatException(source, lineNumber, $"'{wanted[j]}'", $"missing column: the header has {string.Join(", ", header.Take(20).Select(h => "'" + h + "'"))}");
                selected[j] = i;
            }
        }
        else selected = [.. Enumerable.Range(0, fields)];
        if (selected.Length != features)
            throw new DataFormatException(source, lineNumber, null, $"expected {features} feature columns like the training data, got {selected.Length}");
        featureOfField = new int[fields];
        Array.Fill(featureOfField, -1);
        for (int j = 0; j < selected.Length; j++) featureOfField[selected[j]] = j;
    }

    /// <summary>Fills <paramref name="row"/> [F] from one data line.</summary>
    public RowOutcome Parse(ReadOnlySpan<char> line, int lineNumber, Span<float> row)
    {
        if (line.IsWhiteSpace()) return RowOutcome.Blank;
        int fields = line.Count(delimiter) + 1;
        if (width < 0) Resolve(fields, lineNumber);
        if (fields != width)
            throw new DataFormatException(source, lineNumber, null, $"ragged row: expected {width} fields like the {(header is null ? "first row" : "header")}, got {fields}");
        int missingHere = 0, field = 0;
        ReadOnlySpan<char> rest = line;
        while (true)
        {
            int cut = rest.IndexOf(delimiter);
            ReadOnlySpan<char> cell = cut >= 0 ? rest[..cut] : rest;
            int j = featureOfField[field];
            if (j >= 0 && !ParseCell(cell, lineNumber, field, j, row)) missingHere++;
            if (cut < 0) break;
            rest = rest[(cut + 1)..];
            field++;
        }
        if (missingHere > 0)
        {
            MissingCells += missingHere;
            MissingRows++;
            if (policy == MissingPolicy.Drop) return RowOutcome.Dropped;
        }
        row.CopyTo(previous);
        hasPrevious = true;
        return RowOutcome.Row;
    }

    /// <returns>false when the cell was missing (and the policy filled it or the row will be dropped)</returns>
    private bool ParseCell(ReadOnlySpan<char> cell, int lineNumber, int field, int j, Span<float> row)
    {
        if (float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) && float.IsFinite(v))
        {
            row[j] = v;
            return true;
        }
        if (!MissingPolicies.IsMissingToken(cell))
        {
            string why = float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? " (outside the float32 range)" : "";
            throw new DataFormatException(source, lineNumber, ColumnName(field), $"expected a finite number, got {DataFormatException.Quote(cell.ToString())}{why}");
        }
        switch (policy)
        {
            case MissingPolicy.Zero: row[j] = 0f; break;
            case MissingPolicy.Drop: row[j] = 0f; break;
            case MissingPolicy.ForwardFill when hasPrevious: row[j] = previous[j]; break;
            case MissingPolicy.ForwardFill:
                throw new DataFormatException(source, lineNumber, ColumnName(field), $"missing value {DataFormatException.Quote(cell.ToString())} before any value: nothing to carry forward (use drop or zero)");
            default:
                throw new DataFormatException(source, lineNumber, ColumnName(field),
                    $"expected a finite number, got {DataFormatException.Quote(cell.ToString())} (a missing value; a missing-value policy {MissingPolicies.Names} can accept it)");
        }
        return false;
    }

    private string ColumnName(int field) => header is null ? $"#{field + 1}" : $"'{header[field]}' (#{field + 1})";
}
