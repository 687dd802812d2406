using System.Globalization;
using CsvHelper;

namespace RnnEngine.Models.Data;

/// <summary>
/// Reads a numeric CSV into a <see cref="Series"/> with CsvHelper's parser (quoting, delimiters). Every problem is a
/// <see cref="DataFormatException"/> naming file, line and column: no silent NaN, no short rows padded with zeros.
/// </summary>
public static class CsvSeriesReader
{
    public static Series Read(string path, CsvReadOptions? options = null)
    {
        options ??= new CsvReadOptions();
        if (!File.Exists(path)) throw new DataFormatException(path, null, null, "file not found");
        if (options.Columns is not null && options.ColumnIndices is not null)
            throw new ArgumentException("choose columns by name or by index, not both");
        if (!options.HasHeader && (options.Columns is not null || options.LabelColumn is not null))
            throw new DataFormatException(path, null, null, "columns chosen by name but the file is read without a header");

        var config = CsvReaderOptions.Default with
        {
            HasHeader = options.HasHeader,
            Separator = options.Delimiter,
            SkipEmptyLines = true,
            TrackLineNumbers = true,
            FormatProvider = CultureInfo.InvariantCulture,
        };
        using var parser = CsvReader.FromFile(path, config);

        string[]? header = null;
        int width = -1;
        if (options.HasHeader)
        {
            parser.ReadHeader();
            header = [.. parser.Headers];
            if (header.Length == 0) throw new DataFormatException(path, null, null, "empty file: expected a header and at least one data row");
            width = header.Length;
        }

        int[]? selected = null;
        int label = -1;
        string[] names = [];
        var values = new List<float>();
        var labels = new List<bool>();
        int rows = 0;
        while (parser.Read())
        {
            int line = (int)parser.LineNumber;
            int count = parser.FieldCount;
            if (width < 0) width = count;
            if (count != width)
                throw new DataFormatException(path, line, null, $"ragged row: expected {width} fields like the {(header is null ? "first row" : "header")}, got {count}");
            if (selected is null)
                (selected, label, names) = Resolve(path, options, header, width);
            foreach (int c in selected)
            {
                string cell = parser.GetString(c) ?? "";
                if (!float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) || !float.IsFinite(v))
                    throw new DataFormatException(path, line, ColumnName(header, c), $"expected a finite number, got {DataFormatException.Quote(cell)}");
                values.Add(v);
            }
            if (label >= 0)
            {
                string cell = parser.GetString(label) ?? "";
                labels.Add(AnomalyLabel.TryParse(cell)
                    ?? throw new DataFormatException(path, line, ColumnName(header, label), $"expected {AnomalyLabel.Expected}, got {DataFormatException.Quote(cell)}"));
            }
            rows++;
        }
        if (rows == 0 || selected is null) throw new DataFormatException(path, null, null, "empty file: expected at least one data row");
        return new Series(values.ToArray(), selected.Length, label >= 0 ? labels.ToArray() : null, path, names);
    }

    /// <summary>A one-field header holding another common separator usually means the wrong --delimiter.</summary>
    private static string DelimiterHint(string[] header, char delimiter)
    {
        if (header.Length != 1) return "";
        foreach (char c in ";,\t|")
            if (c != delimiter && header[0].Contains(c)) return $" (is the delimiter '{(c == '\t' ? "\\t" : c.ToString())}' rather than '{delimiter}'?)";
        return "";
    }

    private static string ColumnName(string[]? header, int c) =>
        header is null ? $"#{c + 1}" : $"'{header[c]}' (#{c + 1})";

    private static (int[] Selected, int Label, string[] Names) Resolve(string path, CsvReadOptions o, string[]? header, int width)
    {
        int Find(string name) => Array.IndexOf(header!, name) is int i and >= 0 ? i
            : throw new DataFormatException(path, 1, $"'{name}'", $"missing column: the header has {string.Join(", ", header!.Select(h => "'" + h + "'"))}{DelimiterHint(header!, o.Delimiter)}");
        int Check(int index) => index >= 0 && index < width ? index
            : throw new DataFormatException(path, null, $"#{index + 1}", $"missing column: rows have {width} fields (0-based index {index} requested)");

        int label = o.LabelColumn is not null ? Find(o.LabelColumn) : o.LabelColumnIndex is int li ? Check(li) : -1;
        int[] selected = o.Columns is not null ? o.Columns.Select(Find).ToArray()
            : o.ColumnIndices is not null ? o.ColumnIndices.Select(Check).ToArray()
            : Enumerable.Range(0, width).Where(c => c != label).ToArray();
        if (selected.Length == 0) throw new DataFormatException(path, null, null, "no feature column selected");
        string[] names = selected.Select(c => header is null ? c.ToString(CultureInfo.InvariantCulture) : header[c]).ToArray();
        return (selected, label, names);
    }
}
