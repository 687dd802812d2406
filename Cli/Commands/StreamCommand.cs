using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using RnnEngine.Engine;
using RnnEngine.Models.Data;
using RnnEngine.Models.Detection;
using RnnEngine.Models.Online;
using RnnEngine.Models.Streaming;

namespace RnnEngine.Cli.Commands;

/// <summary>
/// `rnnengine stream --model MODEL [--input FILE|-] [--follow]`: scores rows as they arrive and prints
/// `index,score,is_anomaly` for every data row at once (flushed), the same numbers `score` writes for the same file.
/// Memory is constant: one ring of the last window, one line buffer, one output buffer. Throughput goes to stderr.
/// </summary>
public static class StreamCommand
{
    /// <param name="stdin">the reader for `--input -` (null: the process's standard input)</param>
    /// <param name="cancel">ends a followed file (tests); without it, Ctrl-C / SIGTERM end it normally (throughput report, exit 0)</param>
    public static Command Build(TextWriter stdout, TextWriter stderr, TextReader? stdin, CancellationToken cancel)
    {
        var model = Opt.Required("--model", "MODEL", "a model written by train (numeric CSV input)");
        var input = Opt.Text("--input", "FILE", "-", "the rows to score: a CSV file, or - for standard input");
        var follow = Opt.Flag("--follow", "keep reading a file as it grows (like tail -f), until Ctrl-C");
        var device = Opt.Device();
        var threads = Opt.Threads();
        var noHeader = Opt.NoHeader();
        var missing = Opt.Missing();
        var feedback = Opt.Text("--feedback", "LABELS.csv",
            "seed 001's online updating: the expert's index,label file (read for a batch only after it was scored; may grow with --follow); the --online-* options tune it");
        var seed = Opt.Seed();
        var windows = Opt.Flag("--windows", "with --feedback: seed 001's own scoring, as run powerdemand --online: non-overlapping windows, each row written with its window's score once the window is complete");
        var updating = new OnlineCli(stream: true);
        var c = new Command("stream", "score rows as they arrive (standard input or a growing file): one line index,score,is_anomaly per row, flushed at once")
        {
            model, input, follow, device, threads, noHeader, missing, feedback, seed, windows,
        };
        foreach (Option o in updating.All) c.Options.Add(o);
        c.SetAction(p =>
        {
            string? labels = p.GetValue(feedback);
            if (labels is null) updating.RefuseGiven(p, "without --feedback");
            if (labels is null && p.GetValue(windows)) throw new UsageException("--windows scores as seed 001 updates: give --feedback LABELS too");
            OnlineOptions? online = labels is null ? null : updating.Build(p, (ulong)p.GetValue(seed));
            return Run(p.GetValue(model)!, p.GetValue(input)!, p.GetValue(follow), p.GetValue(device)!, p.GetValue(threads), p.GetValue(noHeader),
                p.MissingPolicy(missing), labels, online, p.GetValue(windows), stdout, stderr, stdin, cancel, handleSignals: !cancel.CanBeCanceled);
        });
        return c;
    }

    private static int Run(string modelPath, string input, bool follow, string device, int threads, bool noHeader, MissingPolicy policy,
        string? feedbackPath, OnlineOptions? online, bool windows, TextWriter stdout, TextWriter stderr, TextReader? stdin, CancellationToken cancel, bool handleSignals)
    {
        if (feedbackPath is not null && policy != MissingPolicy.Error)
            throw new UsageException("--feedback updates on whole rows: a missing cell stays an error (no --missing)");

        // standard input ends when its writer closes it; only a file is followed past its current end
        follow &= input != "-";
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        using var sigint = follow && handleSignals ? PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); }) : null;
        using var sigterm = follow && handleSignals ? PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); }) : null;
        cancel = stop.Token;
        if (TokenDetectorFile.IsTokenModel(modelPath))
            throw new UsageException($"stream scores numeric rows; {modelPath} is a {TokenDetectorConfig.ModelName} model, which scores segments of a whole trace: use score");
        using var backend = Devices.Create(device, threads);
        using var detector = DetectorFile.Load(backend, modelPath);
        if (detector.Config.Format != InputFormat.Csv)
            throw new UsageException($"stream reads plain numeric CSV rows; {modelPath} was trained on --format {detector.Config.Format}: use score");
        string source = input == "-" ? "stdin" : input;
        TextReader reader;
        if (input == "-") reader = stdin ?? new StreamReader(Console.OpenStandardInput());
        else
        {
            if (!File.Exists(input)) throw new DataFormatException(input, null, null, "file not found");
            // another process may still be appending to it
            reader = new StreamReader(new FileStream(input, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete));
        }
        var columns = detector.Config.Columns;
        var parser = new RowParser(source, detector.Config.Features, !noHeader && columns.Count > 0 ? columns : null, !noHeader, policy);
        var scorer = new StreamScorer(detector);
        using var feedback = feedbackPath is null || windows ? null : new StreamFeedback(detector, scorer, online!, feedbackPath, follow, cancel, stderr);
        bool updating = feedback is not null;
        var row = new float[scorer.Features];
        var text = new char[128];
        long index = 0, flagged = 0;
        var clock = Stopwatch.StartNew();
        long allocatedBefore = GC.GetTotalAllocatedBytes();
        using (var lines = new LineSource(reader, follow, cancel))
        {
            stdout.WriteLine("index,score,is_anomaly");
            stdout.Flush();
            if (windows) index = StreamWindows.Run(detector, online!, parser, lines, row, feedbackPath!, follow, cancel, stdout, stderr);
            while (!windows && lines.TryRead(out ReadOnlySpan<char> line))
            {
                if (parser.NeedsHeader)
                {
                    if (line.IsWhiteSpace()) continue;
                    parser.ReadHeader(line, lines.LineNumber);
                    continue;
                }
                RowOutcome outcome = parser.Parse(line, lines.LineNumber, row);
                if (outcome == RowOutcome.Blank) continue;
                double score = outcome == RowOutcome.Row ? scorer.Push(row) : double.NaN;
                bool anomalous = scorer.Flag(score);
                if (anomalous) flagged++;
                stdout.Write(Format(text, index, score, anomalous));
                stdout.Flush();
                // the row (scaled in place by the scorer) waits for its batch; its label is read after that
                if (updating) updating = feedback!.Add(index, row, anomalous);
                index++;
            }
        }
        if (index == 0 && !cancel.IsCancellationRequested)
            throw new DataFormatException(source, null, null, "empty input: expected " + (noHeader ? "" : "a header and ") + "at least one data row");
        double seconds = clock.Elapsed.TotalSeconds;
        double perRow = (GC.GetTotalAllocatedBytes() - allocatedBefore) / (double)Math.Max(index, 1);
        stderr.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"streamed {index} rows in {seconds:F2} s: {index / Math.Max(seconds, 1e-9):F0} rows/s; {flagged} above threshold {scorer.Threshold:G4}; {perRow:F0} bytes allocated per row"));
        if (policy != MissingPolicy.Error) stderr.WriteLine(parser.Report().Describe());
        if (feedback is not null) stderr.WriteLine($"--feedback: {feedback.Updater.Updates.Count} update(s)");
        return 0;
    }

    /// <summary>`index,score,is_anomaly\n` into a reused buffer, formatted as `score` writes it.</summary>
    internal static ReadOnlySpan<char> Format(char[] text, long index, double score, bool anomalous)
    {
        Span<char> s = text;
        index.TryFormat(s, out int n, default, CultureInfo.InvariantCulture);
        s[n++] = ',';
        if (double.IsNaN(score))
        {
            s[n++] = ',';
        }
        else
        {
            score.TryFormat(s[n..], out int w, "G9", CultureInfo.InvariantCulture);
            n += w;
            s[n++] = ',';
            s[n++] = anomalous ? '1' : '0';
        }
        s[n++] = '\n';
        return s[..n];
    }
}
