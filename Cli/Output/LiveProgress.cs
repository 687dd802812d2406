using System.Text;

namespace RnnEngine.Cli.Output;

/// <summary>
/// stderr on a terminal: the training progress lines ("epoch N/M loss ... ETA ...") of one phase overwrite each other
/// on one live line, and a new phase (epoch 1 again: the next ensemble member or experiment model) keeps the last line
/// of the one before. Any other line ends the live line first, so messages are never overwritten. In a pipe the
/// writer is not used: the trainer's lines, a few seconds apart, go out as they are.
/// </summary>
internal sealed class LiveProgress(TextWriter inner) : TextWriter
{
    // carriage return, then erase the line (ANSI EL), so a shorter line leaves no tail of the longer one
    private const string Rewrite = "\r\u001b[2K";
    private bool live;

    public override Encoding Encoding => inner.Encoding;

    /// <summary>Seconds between two live-line updates (the trainer's own gap applies in a pipe).</summary>
    public const double Seconds = 0.25;

    /// <summary>The trainer's gap between progress lines on <paramref name="stderr"/>: the live line's, or <paramref name="fallback"/> in a pipe.</summary>
    public static double SecondsFor(TextWriter stderr, double fallback) => stderr is LiveProgress ? Seconds : fallback;

    public static bool IsProgress(string line) => line.StartsWith("epoch ", StringComparison.Ordinal) && line.Contains("ETA", StringComparison.Ordinal);

    public override void WriteLine(string? value)
    {
        if (value is not null && IsProgress(value))
        {
            if (live && value.StartsWith("epoch 1/", StringComparison.Ordinal)) inner.WriteLine();
            inner.Write(Rewrite + value);
            inner.Flush();
            live = true;
            return;
        }
        EndLive();
        inner.WriteLine(value);
    }

    public override void Write(char value)
    {
        EndLive();
        inner.Write(value);
    }

    public override void Write(string? value)
    {
        EndLive();
        inner.Write(value);
    }

    public override void Flush() => inner.Flush();

    protected override void Dispose(bool disposing)
    {
        if (disposing) EndLive();
        base.Dispose(disposing);
    }

    /// <summary>stdout on the same terminal: a result line first ends the live line instead of running on from it.</summary>
    public TextWriter Beside(TextWriter stdout) => new BesideWriter(stdout, this);

    internal void EndLive()
    {
        if (!live) return;
        live = false;
        inner.WriteLine();
    }

    private sealed class BesideWriter(TextWriter inner, LiveProgress live) : TextWriter
    {
        public override Encoding Encoding => inner.Encoding;

        public override void Write(char value)
        {
            live.EndLive();
            inner.Write(value);
        }

        public override void Write(string? value)
        {
            live.EndLive();
            inner.Write(value);
        }

        public override void WriteLine(string? value)
        {
            live.EndLive();
            inner.WriteLine(value);
        }

        public override void Flush() => inner.Flush();
    }
}
