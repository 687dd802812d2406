using System.Globalization;
using CsvHelper;

namespace RnnEngine.Models.Data.Seeds;

/// <summary>How to read a SWaT export: optional time filter (From inclusive, To exclusive) and resampling period.</summary>
public sealed record SwatReadOptions
{
    /// <summary>Bin length for the mean resampling (seed 000: "5s", "10s", "1s"); null keeps the 1 Hz rows.</summary>
    public TimeSpan? Resample { get; init; }
    public DateTime? From { get; init; }
    public DateTime? To { get; init; }
}

/// <summary>SWaT rows: [Length, 51] values with per-row attack labels, the time of each row and the attack runs.</summary>
public sealed class SwatData
{
    public Series Series { get; }
    public DateTime[] Timestamps { get; }

    public SwatData(Series series, DateTime[] timestamps)
    {
        if (timestamps.Length != series.Length) throw new ArgumentException($"{timestamps.Length} timestamps for {series.Length} rows");
        Series = series;
        Timestamps = timestamps;
    }

    /// <summary>Maximal runs of attack rows (the label file of seed 000 lists attacks; here they follow from the rows).</summary>
    public IReadOnlyList<AnomalyInterval> AttackRuns() => AnomalyInterval.Runs(Series.Labels ?? [], "attack");
}

/// <summary>
/// Reads the SWaT A1/A2 2015 physical data as exported to CSV from SWaT_Dataset_Normal_v1.xlsx / _Attack_v0.xlsx:
/// a header with " Timestamp", the 51 sensor/actuator columns (some names carry stray spaces, e.g. " MV101") and
/// "Normal/Attack"; timestamps such as " 22/12/2015 4:00:00 PM" (day first, 12-hour clock); labels "Normal",
/// "Attack" and the misspelt "A ttack". A first row of stage names (P1, P2, ...) above the header, as the workbook
/// has, is skipped. Columns are found by name after removing spaces; extra columns are ignored.
/// Timestamps are parsed with the day-first format on purpose: a generic date parser reads "02/01/2016" as 1 February.
/// Resampling uses bins of the given period counted from midnight of the first day (pandas' default origin) and
/// averages each column; a bin is an attack if any of its rows is. Bins without rows are left out (pandas makes NaN
/// rows there, which seed 000 dropped).
/// </summary>
public static class SwatReader
{
    private const int MaxPreambleRows = 5;

    private static readonly string[] TimeFormats =
    [
        "d/M/yyyy h:mm:ss tt", "d/M/yyyy h:mm:ss.FFF tt", "d/M/yyyy H:mm:ss", "d/M/yyyy H:mm:ss.FFF",
        "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFF", "yyyy-MM-ddTHH:mm:ss",
    ];

    public static SwatData Read(string path, SwatReadOptions? options = null)
    {
        options ??= new SwatReadOptions();
        if (!File.Exists(path)) throw new DataFormatException(path, null, null, "file not found");
        if (options.Resample is TimeSpan p && p <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(options), "the resampling period must be positive");

        var config = CsvReaderOptions.Default with
        {
            HasHeader = false,
            Separator = ',',
            SkipEmptyLines = true,
            TrackLineNumbers = true,
            FormatProvider = CultureInfo.InvariantCulture,
        };
        using CsvReader csv = CsvReader.FromFile(path, config);

        string[]? header = null;
        int headerLine = 0, width = 0, timeCol = -1, labelCol = -1;
        int[] cols = new int[SwatColumns.Count];
        var acc = new Accumulator(options.Resample);
        int rowsSeen = 0;
        DateTime last = DateTime.MinValue;
        while (csv.Read())
        {
            int line = (int)csv.LineNumber;
            if (header is null)
            {
                string[] cells = Enumerable.Range(0, csv.FieldCount).Select(c => SwatColumns.Normalise(csv.GetString(c))).ToArray();
                if (Array.IndexOf(cells, SwatColumns.Timestamp) < 0)
                {
                    if (++rowsSeen >= MaxPreambleRows)
                        throw new DataFormatException(path, null, $"'{SwatColumns.Timestamp}'", $"missing column: no header row with a Timestamp column in the first {MaxPreambleRows} rows");
                    continue;
                }
                header = cells;
                headerLine = line;
                width = cells.Length;
                timeCol = Array.IndexOf(cells, SwatColumns.Timestamp);
                labelCol = Find(path, headerLine, header, SwatColumns.Label);
                for (int i = 0; i < cols.Length; i++) cols[i] = Find(path, headerLine, header, SwatColumns.Names[i]);
                continue;
            }
            if (csv.FieldCount != width)
                throw new DataFormatException(path, line, null, $"ragged row: expected {width} fields like the header, got {csv.FieldCount}");

            string timeCell = csv.GetString(timeCol) ?? "";
            if (!DateTime.TryParseExact(timeCell.Trim(), TimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime time))
                throw new DataFormatException(path, line, $"'{SwatColumns.Timestamp}'", $"expected a time like 22/12/2015 4:00:00 PM (day first), got {DataFormatException.Quote(timeCell)}");
            if (time < last)
                throw new DataFormatException(path, line, $"'{SwatColumns.Timestamp}'", $"time goes backwards: {time:yyyy-MM-dd HH:mm:ss} after {last:yyyy-MM-dd HH:mm:ss}");
            last = time;
            if ((options.From is DateTime from && time < from) || (options.To is DateTime to && time >= to)) continue;

            string labelCell = csv.GetString(labelCol) ?? "";
            bool attack = ParseLabel(labelCell)
                ?? throw new DataFormatException(path, line, $"'{SwatColumns.Label}'", $"expected Normal or Attack, got {DataFormatException.Quote(labelCell)}");
            float[] row = acc.Row;
            for (int i = 0; i < cols.Length; i++)
            {
                string cell = csv.GetString(cols[i]) ?? "";
                if (!float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) || !float.IsFinite(v))
                    throw new DataFormatException(path, line, $"'{SwatColumns.Names[i]}'", $"expected a finite number, got {DataFormatException.Quote(cell)}");
                row[i] = v;
            }
            acc.Add(time, attack);
        }
        if (header is null)
            throw rowsSeen > 0
                ? new DataFormatException(path, null, $"'{SwatColumns.Timestamp}'", $"missing column: no header row with a Timestamp column in {rowsSeen} rows")
                : new DataFormatException(path, null, null, "empty file: expected a header with Timestamp, the 51 SWaT columns and Normal/Attack");
        if (acc.Rows == 0) throw new DataFormatException(path, null, null, "no data rows (after the time filter)");
        return acc.Finish(path);
    }

    /// <summary>"Normal" -> false, "Attack" or "A ttack" -> true (case and spaces ignored); anything else -> null.</summary>
    public static bool? ParseLabel(string? cell) => SwatColumns.Normalise(cell).ToLowerInvariant() switch
    {
        "normal" => false,
        "attack" => true,
        _ => null,
    };

    private static int Find(string path, int line, string[] header, string name)
    {
        int i = Array.IndexOf(header, name);
        if (i < 0)
            throw new DataFormatException(path, line, $"'{name}'", $"missing column: the header has {header.Length} columns ({string.Join(", ", header.Take(8))}{(header.Length > 8 ? ", ..." : "")})");
        return i;
    }

    /// <summary>Collects rows, averaging them per bin when resampling; sums in double so long bins lose nothing.
    /// The caller fills <see cref="Row"/> and then calls <see cref="Add"/>.</summary>
    private sealed class Accumulator(TimeSpan? period)
    {
        private readonly List<float> values = [];
        private readonly List<bool> labels = [];
        private readonly List<DateTime> times = [];
        private readonly double[] sum = new double[SwatColumns.Count];
        private DateTime origin;
        private long bin = -1;
        private int count;
        private bool binAttack;

        public float[] Row { get; } = new float[SwatColumns.Count];

        public int Rows => times.Count + (count > 0 ? 1 : 0);

        public void Add(DateTime time, bool attack)
        {
            if (period is not TimeSpan p)
            {
                values.AddRange(Row);
                labels.Add(attack);
                times.Add(time);
                return;
            }
            if (bin < 0) origin = time.Date;   // pandas' default origin: midnight of the first day
            long b = (time - origin).Ticks / p.Ticks;
            if (b != bin) Flush();
            bin = b;
            for (int i = 0; i < Row.Length; i++) sum[i] += Row[i];
            binAttack |= attack;
            count++;
        }

        private void Flush()
        {
            if (count == 0) return;
            for (int i = 0; i < sum.Length; i++) values.Add((float)(sum[i] / count));
            labels.Add(binAttack);
            times.Add(origin + TimeSpan.FromTicks(bin * period!.Value.Ticks));
            Array.Clear(sum);
            count = 0;
            binAttack = false;
        }

        public SwatData Finish(string source)
        {
            Flush();
            var series = new Series(values.ToArray(), SwatColumns.Count, labels.ToArray(), source, SwatColumns.Names);
            return new SwatData(series, times.ToArray());
        }
    }
}
