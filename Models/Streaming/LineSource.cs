namespace RnnEngine.Models.Streaming;

/// <summary>
/// Lines of a text stream as they arrive, handed out as spans of one reused char buffer (it grows only for a line
/// longer than any before). At end of input it stops, or with <c>follow</c> polls for appended text (a growing file,
/// tail -f style) until cancelled. A last line without a line break counts only once the input has really ended.
/// </summary>
public sealed class LineSource : IDisposable
{
    private readonly TextReader reader;
    private readonly bool follow;
    private readonly int pollMilliseconds;
    private readonly CancellationToken cancel;
    private char[] buffer = new char[1 << 16];
    private int start, end;
    private bool ended;

    public LineSource(TextReader reader, bool follow, CancellationToken cancel, int pollMilliseconds = 100)
    {
        this.reader = reader;
        this.follow = follow;
        this.cancel = cancel;
        this.pollMilliseconds = pollMilliseconds;
    }

    /// <summary>Physical lines read so far (1-based number of the last line returned).</summary>
    public int LineNumber { get; private set; }

    /// <summary>The next line without its line break; false at the end of input (or on cancellation with follow).</summary>
    public bool TryRead(out ReadOnlySpan<char> line)
    {
        while (true)
        {
            int nl = Array.IndexOf(buffer, '\n', start, end - start);
            if (nl >= 0)
            {
                line = TrimCr(buffer.AsSpan(start, nl - start));
                start = nl + 1;
                LineNumber++;
                return true;
            }
            if (ended || cancel.IsCancellationRequested)
            {
                ended = true;
                if (end > start && !cancel.IsCancellationRequested)
                {
                    line = TrimCr(buffer.AsSpan(start, end - start));
                    start = end;
                    LineNumber++;
                    return true;
                }
                line = default;
                return false;
            }
            Fill();
        }
    }

    private void Fill()
    {
        if (start > 0)
        {
            Array.Copy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }
        if (end == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
        while (true)
        {
            int n = reader.Read(buffer, end, buffer.Length - end);
            if (n > 0)
            {
                end += n;
                return;
            }
            if (!follow || cancel.IsCancellationRequested)
            {
                ended = true;
                return;
            }
            // a growing file: nothing new yet, look again shortly
            cancel.WaitHandle.WaitOne(pollMilliseconds);
        }
    }

    private static ReadOnlySpan<char> TrimCr(ReadOnlySpan<char> s) => s.Length > 0 && s[^1] == '\r' ? s[..^1] : s;

    public void Dispose() => reader.Dispose();
}
