using System.Globalization;
using RnnEngine.Models.Data;
using RnnEngine.Models.Detection;
using RnnEngine.Models.Online;
using RnnEngine.Models.Streaming;

namespace RnnEngine.Cli.Commands;

/// <summary>
/// `stream --feedback LABELS`: scored rows wait (scaled, with their decisions) until their batch is complete; only then
/// are their labels read and the rows handed to <see cref="FeedbackUpdater"/>, whose updates change the network for
/// the rows that follow. Each update is reported on stderr as it happens.
/// </summary>
internal sealed class StreamFeedback : IDisposable
{
    private readonly FeedbackUpdater updater;
    private readonly FeedbackLabels labels;
    private readonly TextWriter stderr;
    private readonly StreamScorer scorer;
    private readonly float[] rows;   // [batch rows, F]
    private readonly bool[] flags;
    private readonly int features;
    private readonly OnlineOptions options;
    private int count;
    private long first;

    public FeedbackUpdater Updater => updater;

    public StreamFeedback(AnomalyDetector detector, StreamScorer scorer, OnlineOptions options, string path, bool follow, CancellationToken cancel, TextWriter stderr)
    {
        this.scorer = scorer;
        try { updater = new FeedbackUpdater(detector, options); }
        catch (ArgumentException e) { throw new UsageException("--feedback: " + e.Message); }
        labels = new FeedbackLabels(path, follow, cancel);
        this.options = options;
        this.stderr = stderr;
        features = detector.Config.Features;
        rows = new float[updater.BatchRows * features];
        flags = new bool[updater.BatchRows];
    }

    /// <summary>Row <paramref name="index"/> was just scored and written; false when the labels ended (following: the stream was stopped).</summary>
    public bool Add(long index, ReadOnlySpan<float> scaledRow, bool flagged)
    {
        scaledRow.CopyTo(rows.AsSpan(count * features, features));
        flags[count++] = flagged;
        if (count < flags.Length) return true;
        for (int k = 0; k < count; k++)
        {
            long row = first + k;
            if (!labels.TryRead(row, out bool label))
            {
                stderr.WriteLine(labels.Ended(row));
                return false;
            }
            if (updater.Add(rows.AsSpan(k * features, features), flags[k], label))
            {
                UpdateRecord u = updater.Updates[^1];
                if (u.Recalibrated) scorer.Recalibrated();
                string calibration = !options.RelearnThreshold ? "threshold kept"
                    : u.Recalibrated ? $"error model and threshold refitted on {u.HeldOutWindows} held-out windows: threshold {u.Threshold:G4}"
                    : $"calibration kept: {u.HeldOutWindows} held-out windows are too few";
                stderr.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"update {updater.Updates.Count} after row {row}: {u.TrainWindows} new windows ({u.HardNormals} hard normal, {u.Normals} normal, {u.Anomalies} anomalous), {u.Epochs} epochs, loss {u.LossBefore:G4} -> {u.LossAfter:G4}, {calibration}; rows from {row + 1} on use the updated network"));
            }
        }
        first += count;
        count = 0;
        return true;
    }

    public void Dispose() => labels.Dispose();
}
