namespace RnnEngine.Models.Data;

/// <summary>
/// Seed 001's PowerDemand preparation: from the raw 35,040 15-minute samples take every 8th (rows 0, 8, 16, ... ->
/// 4,380 values at 2-hour resolution), drop the first 60 and the last 36 -> 4,284 rows = 51 weeks x 84, and attach
/// PowerDemandLabel.csv row by row (one word per line, normal/anomaly). Row r of the result is raw row (60 + r) * 8.
/// Unlike the seed, a label file of the wrong length is an error (pandas' concat would pad with NaN labels), and
/// the prepared series is used as is: the seed's next step re-read its own header-less CSV with a header, silently
/// dropping the first row.
/// </summary>
public static class PowerDemand
{
    public const int Downsample = 8;
    public const int DropFirst = 60;
    public const int DropLast = 36;
    /// <summary>84 two-hour samples = one week, seed 001's window length for this data.</summary>
    public const int WeekLength = 84;

    public static Series Prepare(string powerDataPath, string labelPath)
    {
        Series raw = CsvSeriesReader.Read(powerDataPath, new CsvReadOptions { HasHeader = false });
        if (raw.Features != 1)
            throw new DataFormatException(powerDataPath, null, null, $"expected one value per line, got {raw.Features} columns");
        int down = (raw.Length + Downsample - 1) / Downsample;
        int kept = down - DropFirst - DropLast;
        if (kept <= 0)
            throw new DataFormatException(powerDataPath, null, null, $"expected more than {(DropFirst + DropLast) * Downsample} rows, got {raw.Length}");

        var values = new float[kept];
        for (int r = 0; r < kept; r++) values[r] = raw.Values[(DropFirst + r) * Downsample];

        bool[] labels = ReadLabels(labelPath);
        if (labels.Length != kept)
            throw new DataFormatException(labelPath, null, null, $"expected {kept} labels (one per prepared row), got {labels.Length}");
        return new Series(values, 1, labels, powerDataPath, ["power"]);
    }

    /// <summary>Raw row index of prepared row <paramref name="r"/>.</summary>
    public static int RawIndex(int r) => (DropFirst + r) * Downsample;

    private static bool[] ReadLabels(string path)
    {
        if (!File.Exists(path)) throw new DataFormatException(path, null, null, "file not found");
        var labels = new List<bool>();
        int line = 0;
        foreach (string text in File.ReadLines(path))
        {
            line++;
            if (text.Trim().Length == 0) continue;
            labels.Add(AnomalyLabel.TryParse(text)
                ?? throw new DataFormatException(path, line, "#1", $"expected {AnomalyLabel.Expected}, got {DataFormatException.Quote(text)}"));
        }
        if (labels.Count == 0) throw new DataFormatException(path, null, null, "empty file: expected one label per line");
        return labels.ToArray();
    }
}
