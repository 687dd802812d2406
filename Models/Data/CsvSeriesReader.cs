using System.Globalization;
using CsvHelper;

namespace RnnEngine.Models.Data;

/// <summary>A series read from CSV with what the missing-value policy did (and which data rows it dropped).</summary>
public sealed record CsvReadResult(Series Series, MissingReport Missing);

/// <summary>
/// Reads a numeric CSV into a <see cref="Series"/> with CsvHelper's parser (quoting, delimiters). Every problem is a
/// <see cref="DataFormatException"/> naming file, line and column: no silent NaN, no short rows padded with zeros.
/// Missing cells (empty, NaN, infinity, NA) follow <see cref="CsvReadOptions.Missing"/>, an error by default.
/// With a header, a column whose first data cell is a date and not a number (NAB's `timestamp`, a logger's `time`) is
/// not a feature: its times go to <see cref="Series.Timestamps"/> (the first such column), every row must hold one.
/// </summary>
public static class CsvSeriesReader
{
    public static Series Read(string path, CsvReadOptions? options = null) => ReadWithReport(path, options).Series;

    public static CsvReadResult ReadWithReport(string path, CsvReadOptions? options = null)
    {
        options ??= new CsvReadOptions();
        if (!File.Exists(path)) throw new DataFormatException(path, null, null, "file not found");
        Validate(path, options);
        return CsvFaults.Guard(path, () =>
        {
            using var parser = CsvReader.FromFile(path, Config(options));
            return ReadCore(path, parser, options);
        });
    }

    /// <summary>Reads CSV text held in memory; <paramref name="name"/> names it in messages as a path would.</summary>
    public static CsvReadResult ReadText(string text, string name, CsvReadOptions? options = null)
    {
        options ??= new CsvReadOptions();
        Validate(name, options);
        return CsvFaults.Guard(name, () =>
        {
            using var parser = CsvReader.FromText(text, Config(options));
            return ReadCore(name, parser, options);
        });
    }

    private static void Validate(string path, CsvReadOptions options)
    {
        if (options.Columns is not null && options.ColumnIndices is not null)
            throw new ArgumentException("choose columns by name or by index, not both");
        CsvFaults.CheckDelimiter(options.Delimiter);
        if (!options.HasHeader && (options.Columns is not null || options.LabelColumn is not null))
            throw new DataFormatException(path, null, null, "columns chosen by name but the file is read without a header");
    }

    private static CsvReaderOptions Config(CsvReadOptions options) => CsvReaderOptions.Default with
    {
        HasHeader = options.HasHeader,
        Separator = options.Delimiter,
        SkipEmptyLines = true,
        TrackLineNumbers = true,
        FormatProvider = CultureInfo.InvariantCulture,
    };

    /// <summary>Largest magnitude read: beyond it one value sets the column's standard deviation alone (1e38 made a
    /// trained model rank anomalies worse than chance) and float32 squares overflow.</summary>
    public const float MaxMagnitude = 1e18f;

    private static CsvReadResult ReadCore(string path, CsvReader parser, CsvReadOptions options)
    {
        string[]? header = null;
        int width = -1;
        if (options.HasHeader)
        {
            parser.ReadHeader();
            header = [.. parser.Headers];
            if (header.Length == 0) throw new DataFormatException(path, null, null, "empty file: expected a header and at least one data row");
            if (header.All(h => double.TryParse(h, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
                throw new DataFormatException(path, 1, null, $"the first row ({DataFormatException.Quote(string.Join(",", header.Take(4)))}{(header.Length > 4 ? ",..." : "")}) is all numbers, not column names: add a header row naming the columns, or read the file with --no-header");
            width = header.Length;
        }

        MissingPolicy policy = options.Missing;
        int[]? selected = null;
        int label = -1, clock = -1;
        var times = new List<DateTime>();
        string[] names = [];
        var values = new List<float>();
        var labels = new List<bool>();
        var dropped = new List<int>();
        float[] previous = [];
        int missingCells = 0, missingRows = 0, dataRow = -1;
        while (parser.Read())
        {
            dataRow++;
            int line = (int)parser.LineNumber;
            int count = parser.FieldCount;
            if (width < 0) width = count;
            if (count != width)
                throw new DataFormatException(path, line, null, $"ragged row: expected {width} fields like the {(header is null ? "first row" : "header")}, got {count}");
            if (selected is null)
            {
                (selected, label, names, clock) = Resolve(path, options, header, width, parser);
                previous = new float[selected.Length];
            }
            int rowStart = values.Count, missingHere = 0;
            for (int j = 0; j < selected.Length; j++)
            {
                int c = selected[j];
                string cell = parser.GetString(c) ?? "";
                if (float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) && float.IsFinite(v))
                {
                    if (Math.Abs(v) > MaxMagnitude)
                        throw new DataFormatException(path, line, ColumnName(header, c),
                            $"{DataFormatException.Quote(cell)} is beyond +-1e18: a scaler fitted with it would squeeze every other value of the column to the same number");
                    values.Add(v);
                    previous[j] = v;
                    continue;
                }
                if (!MissingPolicies.IsMissingToken(cell))
                {
                    string why = float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? " (outside the float32 range)" : "";
                    throw new DataFormatException(path, line, ColumnName(header, c), $"expected a finite number, got {DataFormatException.Quote(cell)}{why}");
                }
                missingHere++;
                switch (policy)
                {
                    case MissingPolicy.Zero:
                        values.Add(0f);
                        previous[j] = 0f;
                        break;
                    case MissingPolicy.ForwardFill when rowStart > 0:   // every earlier row holds a value for every column
                        values.Add(previous[j]);
                        break;
                    case MissingPolicy.ForwardFill:
                        throw new DataFormatException(path, line, ColumnName(header, c), $"missing value {DataFormatException.Quote(cell)} in the first data row: nothing to carry forward (use drop or zero)");
                    case MissingPolicy.Drop:
                        values.Add(0f);   // removed with the whole row below
                        break;
                    default:
                        throw new DataFormatException(path, line, ColumnName(header, c),
                            $"expected a finite number, got {DataFormatException.Quote(cell)} (a missing value; a missing-value policy {MissingPolicies.Names} can accept it)");
                }
            }
            DateTime time = default;
            if (clock >= 0 && !TryTime(parser.GetString(clock) ?? "", out time))
                throw new DataFormatException(path, line, ColumnName(header, clock),
                    $"expected a date and time like the first row's, got {DataFormatException.Quote(parser.GetString(clock))}");
            bool labelValue = false;
            if (label >= 0)
            {
                string cell = parser.GetString(label) ?? "";
                labelValue = AnomalyLabel.TryParse(cell)
                    ?? throw new DataFormatException(path, line, ColumnName(header, label), $"expected {AnomalyLabel.Expected}, got {DataFormatException.Quote(cell)}");
            }
            if (missingHere > 0)
            {
                missingCells += missingHere;
                missingRows++;
                if (policy == MissingPolicy.Drop)
                {
                    values.RemoveRange(rowStart, values.Count - rowStart);
                    dropped.Add(dataRow);
                    continue;
                }
            }
            if (label >= 0) labels.Add(labelValue);
            if (clock >= 0) times.Add(time);
        }
        if (selected is null) throw new DataFormatException(path, null, null, "empty file: expected at least one data row");
        if (values.Count == 0)
            throw new DataFormatException(path, null, null, $"no data left: all {dropped.Count} rows have a missing value and were dropped");
        var series = new Series(values.ToArray(), selected.Length, label >= 0 ? labels.ToArray() : null, path, names)
        {
            Timestamps = clock >= 0 ? times.ToArray() : null, TimestampColumn = clock >= 0 ? header![clock] : null,
        };
        return new CsvReadResult(series, new MissingReport(policy, missingCells, missingRows, dropped.ToArray()));
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
        header is null ? $"#{c + 1}" : $"'{Clip(header[c])}' (#{c + 1})";

    /// <summary>Header names go into messages: keep a corrupt or binary header from flooding them.</summary>
    private static string Clip(string s) => s.Length > 40 ? s[..40] + "..." : s;

    /// <summary>A date and time in an invariant form (ISO 8601, "2014-05-14 01:14:00", ...), read as UTC.</summary>
    private static bool TryTime(string cell, out DateTime time) =>
        DateTime.TryParse(cell, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces | DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);

    private static bool IsTimeCell(string cell) =>
        !double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _) && TryTime(cell, out _);

    /// <param name="first">the parser on the first data row: a date column is found from its cells</param>
    private static (int[] Selected, int Label, string[] Names, int Clock) Resolve(string path, CsvReadOptions o, string[]? header, int width, CsvReader first)
    {
        int Find(string name) => Array.IndexOf(header!, name) is int i and >= 0 ? i
            : throw new DataFormatException(path, 1, $"'{name}'", $"missing column: the header has {HeaderList(header!)}{DelimiterHint(header!, o.Delimiter)}");
        int Check(int index) => index >= 0 && index < width ? index
            : throw new DataFormatException(path, null, $"#{index + 1}", $"missing column: rows have {width} fields (0-based index {index} requested)");

        int label = o.LabelColumn is not null ? Find(o.LabelColumn) : o.LabelColumnIndex is int li ? Check(li) : -1;
        // only with a header: without one, a date in the first row is more likely a mistake than a clock
        int[] times = header is null ? [] : [.. Enumerable.Range(0, width).Where(c => c != label && IsTimeCell(first.GetString(c) ?? ""))];
        int[] selected = o.Columns is not null ? o.Columns.Select(Find).ToArray()
            : o.ColumnIndices is not null ? o.ColumnIndices.Select(Check).ToArray()
            : Enumerable.Range(0, width).Where(c => c != label && !times.Contains(c)).ToArray();
        if (selected.Length == 0)
            throw new DataFormatException(path, null, null, times.Length > 0 ? "no feature column: the only column holds dates" : "no feature column selected");
        int clock = times.Where(c => !selected.Contains(c)).DefaultIfEmpty(-1).First();
        string[] names = selected.Select(c => header is null ? c.ToString(CultureInfo.InvariantCulture) : header[c]).ToArray();
        return (selected, label, names, clock);
    }

    /// <summary>The header's names for a message, at most 20 of them.</summary>
    private static string HeaderList(string[] header) =>
        string.Join(", ", header.Take(20).Select(h => "'" + Clip(h) + "'")) + (header.Length > 20 ? $", ... ({header.Length} columns)" : "");
}
