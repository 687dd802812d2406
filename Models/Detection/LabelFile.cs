using RnnEngine.Models.Data;
using RnnEngine.Models.Metrics;

namespace RnnEngine.Models.Detection;

/// <summary>
/// `train --labels`: one label per data row, in either of the layouts `eval --labels` reads
/// (<see cref="ScoreFiles.ReadLabels"/>): a single label column (optional one-word header; the k-th label is row k) or
/// a header `index,label` naming every row 0 .. N-1 once.
/// </summary>
public static class LabelFile
{
    public static bool[] Read(string path, int expectedRows)
    {
        IReadOnlyDictionary<long, bool> byIndex = ScoreFiles.ReadLabels(path);
        if (byIndex.Count != expectedRows)
            throw new DataFormatException(path, null, null, $"expected {expectedRows} labels (one per data row), got {byIndex.Count}");
        var labels = new bool[expectedRows];
        foreach ((long index, bool label) in byIndex)
        {
            if (index < 0 || index >= expectedRows)
                throw new DataFormatException(path, null, null, $"label index {index} is not a data row (0 to {expectedRows - 1})");
            labels[index] = label;
        }
        return labels;
    }
}
