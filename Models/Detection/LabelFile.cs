using RnnEngine.Models.Data;

namespace RnnEngine.Models.Detection;

/// <summary>A label file: one label per line (0/1, normal/anomaly, ...; see <see cref="AnomalyLabel"/>), one line per data row.</summary>
public static class LabelFile
{
    public static bool[] Read(string path, int expectedRows)
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
        if (labels.Count != expectedRows)
            throw new DataFormatException(path, null, null, $"expected {expectedRows} labels (one per data row), got {labels.Count}");
        return [.. labels];
    }
}
