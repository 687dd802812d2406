using System.Globalization;

namespace RnnEngine.Models.Data;

/// <summary>
/// Seed 003's format: one long line of comma-separated numbers (normal.csv / abn.csv hold 320,000 each, no header).
/// Read as a univariate series. Line breaks are accepted as separators too, so a re-saved file with a trailing
/// newline or wrapped lines still reads; the position in messages is the line and the 1-based value number on it.
/// </summary>
public static class SingleLineSeries
{
    public static Series Read(string path)
    {
        if (!File.Exists(path)) throw new DataFormatException(path, null, null, "file not found");
        var values = new List<float>(1 << 16);
        int lineNo = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNo++;
            if (line.Trim().Length == 0) continue;
            ReadOnlySpan<char> rest = line;
            int field = 0;
            while (true)
            {
                field++;
                int comma = rest.IndexOf(',');
                ReadOnlySpan<char> cell = comma < 0 ? rest : rest[..comma];
                if (!float.TryParse(cell.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out float v) || !float.IsFinite(v))
                {
                    // A trailing comma at the end of the line is tolerated; an empty cell elsewhere is not.
                    if (comma < 0 && cell.Trim().Length == 0 && field > 1) break;
                    throw new DataFormatException(path, lineNo, $"#{field}", $"expected a finite number, got {DataFormatException.Quote(cell.ToString())}");
                }
                values.Add(v);
                if (comma < 0) break;
                rest = rest[(comma + 1)..];
            }
        }
        if (values.Count == 0) throw new DataFormatException(path, null, null, "empty file: expected comma-separated numbers");
        return new Series(values.ToArray(), 1, null, path, ["value"]);
    }
}
