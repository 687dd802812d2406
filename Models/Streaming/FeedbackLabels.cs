using System.Globalization;
using RnnEngine.Models.Data;

namespace RnnEngine.Models.Streaming;

/// <summary>
/// The expert's labels of `stream --feedback FILE`: an `index,label` CSV (the format `eval --labels` reads, header
/// optional) with one line per row of the stream, in index order. A label is read only when it is asked for, which
/// the stream does after the row's batch was scored; with <c>follow</c> the file may still be growing and the read
/// waits for the line. Every problem names the file and line.
/// </summary>
public sealed class FeedbackLabels : IDisposable
{
    private readonly string path;
    private readonly LineSource lines;
    private long next;

    public FeedbackLabels(string path, bool follow, CancellationToken cancel)
    {
        if (!File.Exists(path)) throw new DataFormatException(path, null, null, "file not found");
        this.path = path;
        // the expert may still be appending to it
        var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete));
        lines = new LineSource(reader, follow, cancel);
    }

    /// <summary>The label of row <paramref name="index"/>; rows are asked for in order, each once. False when the
    /// input ended (or, following, was cancelled) before its line came.</summary>
    public bool TryRead(long index, out bool label)
    {
        label = false;
        if (index != next) throw new ArgumentException($"labels are read in order: row {next} next, asked for {index}");
        while (lines.TryRead(out ReadOnlySpan<char> line))
        {
            if (line.IsWhiteSpace()) continue;
            int comma = line.IndexOf(',');
            ReadOnlySpan<char> first = comma < 0 ? line : line[..comma];
            if (!long.TryParse(first.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long i))
            {
                if (lines.LineNumber == 1) continue;   // the header
                throw new DataFormatException(path, lines.LineNumber, "'index'", $"expected a row index, got {DataFormatException.Quote(first.ToString())}");
            }
            if (comma < 0) throw new DataFormatException(path, lines.LineNumber, null, "expected index,label");
            if (i != index) throw new DataFormatException(path, lines.LineNumber, "'index'", $"expected row {index} next (one line per stream row, in order), got {i}");
            string cell = line[(comma + 1)..].Trim().ToString();
            label = AnomalyLabel.TryParse(cell)
                ?? throw new DataFormatException(path, lines.LineNumber, "'label'", $"expected {AnomalyLabel.Expected}, got {DataFormatException.Quote(cell)}");
            next++;
            return true;
        }
        return false;
    }

    /// <summary>The line a stream prints when the labels ended before row <paramref name="index"/> was labelled.</summary>
    public string Ended(long index) => $"{path}: no label for row {index} (the labels ended before the stream): updating stops there";

    public void Dispose() => lines.Dispose();
}
