using System.Globalization;
using CsvHelper;

namespace RnnEngine.Models.Data.Seeds;

/// <summary>
/// A kernel event trace as token ids (seed 004), with optional per-event labels. Tokens outside the vocabulary are
/// mapped to the OOV id and counted (<see cref="OovCount"/>, <see cref="UnknownTokens"/>): anomalous traces contain
/// events never seen in clean training traces (e.g. COMM SND_PULSE), and that count is itself a signal.
/// </summary>
public sealed class KernelEventTrace
{
    public int[] Ids { get; }
    public bool[]? Labels { get; }
    public int OovCount { get; }
    public IReadOnlyDictionary<string, int> UnknownTokens { get; }
    public string Source { get; }
    public int Length => Ids.Length;

    public KernelEventTrace(int[] ids, bool[]? labels, IReadOnlyDictionary<string, int> unknownTokens, string source)
    {
        if (labels is not null && labels.Length != ids.Length) throw new ArgumentException($"{labels.Length} labels for {ids.Length} events");
        Ids = ids;
        Labels = labels;
        UnknownTokens = unknownTokens;
        OovCount = unknownTokens.Values.Sum();
        Source = source;
    }

    /// <summary>Per-segment labels as seed 004 scored (1,000-event segments): a segment is anomalous if any event is;
    /// a trailing partial segment is dropped, as the seed's segment loop did.</summary>
    public bool[] SegmentLabels(int segmentLength)
    {
        if (Labels is null) throw new InvalidOperationException("the trace has no labels");
        if (segmentLength <= 0) throw new ArgumentOutOfRangeException(nameof(segmentLength));
        var s = new bool[Length / segmentLength];
        for (int i = 0; i < s.Length; i++) s[i] = Labels.AsSpan(i * segmentLength, segmentLength).Contains(true);
        return s;
    }
}

/// <summary>
/// Reads a QNX kernel event trace exported as CSV (hexacopter-hil-*.kev.csv, seed 004): a header row and one row per
/// event; fields may be quoted. Only the columns named "class" and "event" are used (found by name, case and spaces
/// ignored; the other columns of the real export are not documented anywhere available, so they are not required).
/// Token = lower-cased class + event, as the seed's Keras tokenizer built it. An optional per-event label column
/// (0/1, normal/anomaly; the synthetic files have one) fills <see cref="KernelEventTrace.Labels"/>.
/// </summary>
public static class KernelEventReader
{
    public static KernelEventTrace Read(string path, KernelEventVocabulary vocabulary, string? labelColumn = null)
    {
        if (!File.Exists(path)) throw new DataFormatException(path, null, null, "file not found");
        var config = CsvReaderOptions.Default with
        {
            HasHeader = true,
            Separator = ',',
            SkipEmptyLines = true,
            TrackLineNumbers = true,
            FormatProvider = CultureInfo.InvariantCulture,
        };
        using CsvReader csv = CsvReader.FromFile(path, config);
        csv.ReadHeader();
        string[] header = csv.Headers.Select(h => (h ?? "").Trim()).ToArray();
        if (header.Length == 0) throw new DataFormatException(path, null, null, "empty file: expected a header with class and event columns");
        int classCol = Find(path, header, "class"), eventCol = Find(path, header, "event");
        int labelCol = labelColumn is null ? -1 : Find(path, header, labelColumn);

        var ids = new List<int>();
        var labels = labelCol >= 0 ? new List<bool>() : null;
        var unknown = new Dictionary<string, int>();
        while (csv.Read())
        {
            int line = (int)csv.LineNumber;
            if (csv.FieldCount != header.Length)
                throw new DataFormatException(path, line, null, $"ragged row: expected {header.Length} fields like the header, got {csv.FieldCount}");
            string cls = (csv.GetString(classCol) ?? "").Trim(), ev = (csv.GetString(eventCol) ?? "").Trim();
            if (cls.Length == 0) throw new DataFormatException(path, line, $"'{header[classCol]}' (#{classCol + 1})", "empty event class");
            if (ev.Length == 0) throw new DataFormatException(path, line, $"'{header[eventCol]}' (#{eventCol + 1})", "empty event name");
            string token = KernelEventVocabulary.TokenOf(cls, ev);
            if (!vocabulary.TryGet(token, out int id))
            {
                id = vocabulary.OovId;
                unknown[token] = unknown.GetValueOrDefault(token) + 1;
            }
            ids.Add(id);
            if (labels is not null)
            {
                string cell = csv.GetString(labelCol) ?? "";
                labels.Add(AnomalyLabel.TryParse(cell)
                    ?? throw new DataFormatException(path, line, $"'{header[labelCol]}' (#{labelCol + 1})", $"expected {AnomalyLabel.Expected}, got {DataFormatException.Quote(cell)}"));
            }
        }
        if (ids.Count == 0) throw new DataFormatException(path, null, null, "empty file: expected at least one event row");
        return new KernelEventTrace(ids.ToArray(), labels?.ToArray(), unknown, path);
    }

    private static int Find(string path, string[] header, string name)
    {
        int i = Array.FindIndex(header, h => string.Equals(h, name, StringComparison.OrdinalIgnoreCase));
        return i >= 0 ? i : throw new DataFormatException(path, 1, $"'{name}'", $"missing column: the header has {string.Join(", ", header.Take(10).Select(h => "'" + h + "'"))}{(header.Length > 10 ? ", ..." : "")}");
    }
}
