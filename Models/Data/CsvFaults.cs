using CsvHelper;

namespace RnnEngine.Models.Data;

/// <summary>Turns what CsvHelper or the file system throws while reading into the one <see cref="DataFormatException"/>.</summary>
internal static class CsvFaults
{
    public static T Guard<T>(string path, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (CsvFormatException e)
        {
            int? line = e.LineNumber is > 0 and <= int.MaxValue ? (int)e.LineNumber : null;
            throw new DataFormatException(path, line, null, "malformed CSV: " + e.Message, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFormatException(path, null, null, "cannot be read: " + e.Message, e);
        }
    }

    /// <summary>CsvHelper accepts only ASCII separators; say so before it throws an ArgumentException of its own.</summary>
    public static void CheckDelimiter(char d)
    {
        if (d > 127 || d is '"' or '\r' or '\n' or '\0')
            throw new ArgumentException($"delimiter '{d}' is not allowed: use one ASCII character other than a quote or a line break");
    }
}
