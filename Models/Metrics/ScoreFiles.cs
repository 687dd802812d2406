using System.Globalization;
using CsvHelper;
using RnnEngine.Models.Data;

namespace RnnEngine.Models.Metrics;

/// <summary>One scored row of a scores file: its index, its score (null for warm-up rows) and the optional 0/1 decision.</summary>
public readonly record struct ScoredRow(long Index, double? Score, bool? Predicted);

/// <summary>
/// The files of `rnnengine eval`.
/// SCORES: CSV with a header that has the columns <c>index</c> and <c>score</c>, optionally <c>is_anomaly</c>
/// (0/1 decision at the detector's threshold); a row with an empty score is a warm-up row and is skipped; its
/// is_anomaly may be empty too.
/// LABELS: either a CSV whose header has <c>index</c> and <c>label</c>, or a single column of labels, with or without
/// a header line, where the k-th label (0-based) belongs to index k. Labels are 0/1, false/true or normal/anomaly.
/// Every problem is a <see cref="DataFormatException"/> naming file, line and column.
/// </summary>
public static class ScoreFiles
{
    public static IReadOnlyList<ScoredRow> ReadScores(string path)
    {
        var rows = new List<ScoredRow>();
        var seen = new HashSet<long>();
        using CsvReader csv = Open(path);
        string[] header = [.. csv.Headers];
        int index = Column(path, header, "index", required: true);
        int score = Column(path, header, "score", required: true);
        int decision = Column(path, header, "is_anomaly", required: false);
        while (csv.Read())
        {
            int line = (int)csv.LineNumber;
            CheckWidth(path, line, csv.FieldCount, header.Length, "the header");
            long i = ParseIndex(path, line, header, index, csv.GetString(index) ?? "");
            if (!seen.Add(i)) throw new DataFormatException(path, line, Name(header, index), $"index {i} appears twice");
            string s = csv.GetString(score) ?? "";
            double? value = null;
            if (s.Trim().Length > 0)
            {
                if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
                    throw new DataFormatException(path, line, Name(header, score), $"expected a finite number or an empty cell (warm-up), got {DataFormatException.Quote(s)}");
                value = v;
            }
            bool? predicted = null;
            if (decision >= 0)
            {
                string d = csv.GetString(decision) ?? "";
                if (d.Trim().Length > 0)
                    predicted = AnomalyLabel.TryParse(d) ?? throw new DataFormatException(path, line, Name(header, decision), $"expected 0/1, got {DataFormatException.Quote(d)}");
                else if (value is not null)
                    throw new DataFormatException(path, line, Name(header, decision), "expected 0/1 for a scored row, got an empty cell");
            }
            rows.Add(new ScoredRow(i, value, predicted));
        }
        if (rows.Count == 0) throw new DataFormatException(path, null, null, "empty file: expected a header index,score[,is_anomaly] and data rows");
        return rows;
    }

    public static IReadOnlyDictionary<long, bool> ReadLabels(string path)
    {
        if (!File.Exists(path)) throw new DataFormatException(path, null, null, "file not found");
        var labels = new Dictionary<long, bool>();
        using CsvReader csv = CsvReader.FromFile(path, Options(hasHeader: false));
        int indexCol = -1, labelCol = 0, width = -1;
        string[]? header = null;
        long next = 0;
        while (csv.Read())
        {
            int line = (int)csv.LineNumber;
            if (width < 0)
            {
                width = csv.FieldCount;
                string[] first = Enumerable.Range(0, width).Select(c => (csv.GetString(c) ?? "").Trim()).ToArray();
                if (width == 1 && AnomalyLabel.TryParse(first[0]) is null) { header = first; continue; }   // a one-word header such as "label"
                if (width > 1)
                {
                    indexCol = Array.IndexOf(first, "index");
                    labelCol = Array.IndexOf(first, "label");
                    if (indexCol < 0 || labelCol < 0)
                        throw new DataFormatException(path, line, null, $"expected a header with columns index and label, or a single label column; got {width} columns");
                    header = first;
                    continue;
                }
            }
            CheckWidth(path, line, csv.FieldCount, width, header is null ? "the first row" : "the header");
            long i = indexCol < 0 ? next++ : ParseIndex(path, line, header, indexCol, csv.GetString(indexCol) ?? "");
            string cell = csv.GetString(labelCol) ?? "";
            bool label = AnomalyLabel.TryParse(cell)
                ?? throw new DataFormatException(path, line, Name(header, labelCol), $"expected {AnomalyLabel.Expected}, got {DataFormatException.Quote(cell)}");
            if (!labels.TryAdd(i, label)) throw new DataFormatException(path, line, Name(header, indexCol), $"index {i} appears twice");
        }
        if (labels.Count == 0) throw new DataFormatException(path, null, null, "empty file: expected labels");
        return labels;
    }

    /// <summary>Joins scores and labels by index; warm-up rows are counted and left out.</summary>
    public static MetricsReport Evaluate(string scoresPath, IReadOnlyList<ScoredRow> rows, string labelsPath, IReadOnlyDictionary<long, bool> labels)
    {
        var scores = new List<double>();
        var truth = new List<bool>();
        var predicted = new List<bool>();
        bool anyDecision = rows.Any(r => r.Predicted is not null);
        int skipped = 0;
        foreach (ScoredRow r in rows)
        {
            if (r.Score is not double s) { skipped++; continue; }
            if (!labels.TryGetValue(r.Index, out bool y))
                throw new DataFormatException(labelsPath, null, null, $"no label for index {r.Index} scored in {scoresPath}");
            scores.Add(s);
            truth.Add(y);
            if (anyDecision) predicted.Add(r.Predicted ?? false);
        }
        if (scores.Count == 0) throw new DataFormatException(scoresPath, null, "'score'", "every row is a warm-up row: nothing to evaluate");
        return MetricsReport.Compute(scores, truth, anyDecision ? predicted : null, skipped);
    }

    private static CsvReaderOptions Options(bool hasHeader) => CsvReaderOptions.Default with
    {
        HasHeader = hasHeader,
        Separator = ',',
        SkipEmptyLines = true,
        TrackLineNumbers = true,
        FormatProvider = CultureInfo.InvariantCulture,
    };

    private static CsvReader Open(string path)
    {
        if (!File.Exists(path)) throw new DataFormatException(path, null, null, "file not found");
        CsvReader csv = CsvReader.FromFile(path, Options(hasHeader: true));
        csv.ReadHeader();
        if (csv.Headers.Count == 0)
        {
            csv.Dispose();
            throw new DataFormatException(path, null, null, "empty file: expected a header line");
        }
        return csv;
    }

    private static int Column(string path, string[] header, string name, bool required)
    {
        int i = Array.FindIndex(header, h => h.Trim() == name);
        if (i < 0 && required)
            throw new DataFormatException(path, 1, $"'{name}'", $"missing column: the header has {string.Join(", ", header.Select(h => "'" + h + "'"))}");
        return i;
    }

    private static void CheckWidth(string path, int line, int count, int width, string what)
    {
        if (count != width) throw new DataFormatException(path, line, null, $"ragged row: expected {width} fields like {what}, got {count}");
    }

    private static long ParseIndex(string path, int line, string[]? header, int col, string cell) =>
        long.TryParse(cell.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long i) && i >= 0 ? i
            : throw new DataFormatException(path, line, Name(header, col), $"expected a non-negative integer index, got {DataFormatException.Quote(cell)}");

    private static string Name(string[]? header, int c) => header is null ? $"#{c + 1}" : $"'{header[c]}' (#{c + 1})";
}
