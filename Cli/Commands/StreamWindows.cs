using System.Globalization;
using RnnEngine.Engine;
using RnnEngine.Models.Data;
using RnnEngine.Models.Detection;
using RnnEngine.Models.Online;
using RnnEngine.Models.Streaming;

namespace RnnEngine.Cli.Commands;

/// <summary>
/// `stream --feedback LABELS --windows`: seed 001's own scoring and updating, as `run powerdemand --online` does them,
/// on a stream: rows are cut into non-overlapping windows of the model's T; each batch of windows is scored by
/// <see cref="OnlineDetector"/> (a window's score is its largest point score, the squared Mahalanobis distance of the
/// row's reconstruction error; flagged when <see cref="OnlineOptions.HardCriterion"/> points exceed the threshold),
/// every row of a window is written with the window's score and decision, and only then are the batch's labels read
/// and learned from. Needs a gaussian-scored reconstruction model whose checkpoint holds its reference normal windows
/// and training windows (as `run powerdemand` writes). Rows of a last, incomplete window get an empty score.
/// </summary>
internal static class StreamWindows
{
    public static long Run(AnomalyDetector detector, OnlineOptions options, RowParser parser, LineSource lines, float[] row,
        string labelsPath, bool follow, CancellationToken cancel, TextWriter stdout, TextWriter stderr)
    {
        DetectorConfig c = detector.Config;
        int t = c.Window, f = c.Features, size = t * f;
        if (c.Score != "gaussian" || c.PredictsNextRow)
            throw new UsageException($"--windows scores with seed 001's error likelihood: a reconstruction model trained with --score gaussian (this one: {c.Model}, --score {c.Score})");
        if (detector.Reference is not ({ } reference, _) || detector.Rehearsal is not { } rehearsal || reference.Length % size != 0)
            throw new UsageException("--windows needs the model's reference normal windows and training windows in its checkpoint (as run powerdemand writes them)");
        // a background update trains a twin of the model on a backend of its own while the stream is scored
        Backend? twinDevice = null;
        try
        {
            using var online = new OnlineDetector(detector.Model, detector.ErrorModel, detector.Threshold, reference, options.Rehearse ? rehearsal : [], options,
                () => c.Build(twinDevice = Devices.Create(detector.Model.Device.Name, 1)));
            return Score(online, detector, options, parser, lines, row, labelsPath, follow, cancel, stdout, stderr);
        }
        finally
        {
            twinDevice?.Dispose();
        }
    }

    private static long Score(OnlineDetector online, AnomalyDetector detector, OnlineOptions options, RowParser parser, LineSource lines, float[] row,
        string labelsPath, bool follow, CancellationToken cancel, TextWriter stdout, TextWriter stderr)
    {
        int t = detector.Config.Window, f = detector.Config.Features;
        using var labels = new FeedbackLabels(labelsPath, follow, cancel);
        int batchRows = options.BatchWindows * t;
        var batch = new float[batchRows * f];
        var scores = new double[options.BatchWindows];
        var flags = new bool[options.BatchWindows];
        var anomalous = new bool[options.BatchWindows];
        var text = new char[128];
        long index = 0;
        int filled = 0, updates = 0;
        bool learning = true;
        void Report(string when)
        {
            for (; updates < online.Updates.Count; updates++)
            {
                UpdateRecord u = online.Updates[updates];
                stderr.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"update {updates + 1} {when}: retrained on {u.TrainWindows} windows for {u.Epochs} epochs (loss {u.LossBefore:G4} -> {u.LossAfter:G4}), error model on {u.HeldOutWindows} held-out normal windows, threshold {u.Threshold:G4}"));
            }
        }
        while (lines.TryRead(out ReadOnlySpan<char> line))
        {
            if (parser.NeedsHeader)
            {
                if (!line.IsWhiteSpace()) parser.ReadHeader(line, lines.LineNumber);
                continue;
            }
            if (parser.Parse(line, lines.LineNumber, row) == RowOutcome.Blank) continue;
            detector.Scaler.Transform(row);
            row.CopyTo(batch.AsSpan(filled * f, f));
            if (++filled < batchRows) continue;
            online.ScoreBatch(batch, options.BatchWindows, scores, flags);
            for (int r = 0; r < batchRows; r++) stdout.Write(StreamCommand.Format(text, index + r, scores[r / t], flags[r / t]));
            stdout.Flush();
            // the labels of the rows just written, read only now
            Array.Clear(anomalous);
            for (int r = 0; r < batchRows && learning; r++)
            {
                if (!labels.TryRead(index + r, out bool label))
                {
                    stderr.WriteLine(labels.Ended(index + r));
                    learning = false;
                }
                anomalous[r / t] |= label;
            }
            if (learning) online.Learn(anomalous);
            else online.Forget();
            Report($"after row {index + batchRows - 1}");
            index += batchRows;
            filled = 0;
        }
        for (int r = 0; r < filled; r++) stdout.Write(StreamCommand.Format(text, index + r, double.NaN, false));
        stdout.Flush();
        online.Drain();
        Report("(background, applied by the end of the stream)");
        return index + filled;
    }
}
