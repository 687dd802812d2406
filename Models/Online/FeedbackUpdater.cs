using RnnEngine.Models.Architectures;
using RnnEngine.Models.Detection;
using RnnEngine.Models.Training;

namespace RnnEngine.Models.Online;

/// <summary>
/// Seed 001's online updating for a detector scoring a stream row by row (`stream --feedback`). The stream is cut into
/// non-overlapping windows of the detector's span (window k holds rows [kS, kS + S)); every
/// <see cref="OnlineOptions.BatchWindows"/> windows make a batch. Only after a batch's rows were all scored are their
/// expert labels read, and the windows go into seed 001's buffers as in <see cref="OnlineDetector"/>: a window is
/// anomalous when any row is labelled, hard normal when it is labelled normal but at least
/// <see cref="OnlineOptions.HardCriterion"/> of its rows were flagged. When the hard-normal buffer is full (and, by
/// default, an anomaly has arrived) the network continues training on the buffered normal windows (all or the hard
/// ones), with the checkpoint's training sample replayed; the new weights score the rows after that batch. Scores
/// already given are never revised.
/// With <see cref="OnlineOptions.RelearnThreshold"/> the error model, channel score and threshold are then fitted again
/// (<see cref="AnomalyDetector.Recalibrate"/>) on the last <see cref="ReferenceRows"/> rows (training's held-out rows
/// stored in the checkpoint, then the stream's), using only those rows and the rows of normal windows held out of the update (every third easy normal window, as <see cref="OnlineDetector"/>
/// does): errors of windows the network was just fitted to would make every later score look large. With fewer than
/// <see cref="AnomalyDetector.MinReferenceRows"/> such rows the calibration from training stays (said in the record).
/// </summary>
public sealed class FeedbackUpdater
{
    private readonly AnomalyDetector detector;
    private readonly OnlineOptions options;
    private readonly int span, features;
    private readonly float[] window;                // [S, F] the window being filled, scaled
    private readonly List<(float[] Rows, bool Anomalous, bool Flagged)> batch = [];
    private readonly UpdateBuffers buffers = new();
    private readonly List<UpdateRecord> updates = [];
    // the last ReferenceRows rows of the stream (scaled) with their labels and whether they lie in a held-out window
    private readonly float[] recent;
    private readonly bool[] recentLabel, recentHeldOut;
    private long rowsSeen;
    private int filled, flaggedRows, windowsSeen, easyNormals;
    private bool labelled;

    /// <summary>Rows of the stream kept for recalibration.</summary>
    public const int ReferenceRows = 4096;

    public FeedbackUpdater(AnomalyDetector detector, OnlineOptions options)
    {
        if (options.Mode != UpdateMode.Synchronous) throw new ArgumentException("stream updating runs synchronously");
        if (options.Rehearse && detector.Rehearsal is null)
            throw new ArgumentException("the model holds no training sample to rehearse (it was written before online updating stored one): train it again, or do not rehearse");
        this.detector = detector;
        this.options = options;
        span = detector.Config.Span;
        features = detector.Config.Features;
        window = new float[span * features];
        recent = new float[ReferenceRows * features];
        recentLabel = new bool[ReferenceRows];
        recentHeldOut = new bool[ReferenceRows];
        // training's held-out rows come first, so a relearned calibration has rows from the first update on
        if (detector.Reference is ({ } rows, bool[] normal))
        {
            for (int i = Math.Max(0, normal.Length - ReferenceRows); i < normal.Length; i++)
            {
                int slot = (int)(rowsSeen++ % ReferenceRows);
                rows.AsSpan(i * features, features).CopyTo(recent.AsSpan(slot * features, features));
                recentHeldOut[slot] = normal[i];
                recentLabel[slot] = false;
            }
        }
    }

    public IReadOnlyList<UpdateRecord> Updates => updates;

    /// <summary>Rows a batch holds: labels for them are needed once they have all been scored.</summary>
    public int BatchRows => options.BatchWindows * span;

    /// <summary>Takes a scored row (scaled, as the scorer left it), its decision and, read after its batch was scored,
    /// its label; returns true when an update has just changed the network.</summary>
    public bool Add(ReadOnlySpan<float> scaledRow, bool flagged, bool label)
    {
        scaledRow.CopyTo(window.AsSpan(filled * features, features));
        int slot = (int)(rowsSeen++ % ReferenceRows);
        scaledRow.CopyTo(recent.AsSpan(slot * features, features));
        recentLabel[slot] = label;
        recentHeldOut[slot] = false;
        if (flagged) flaggedRows++;
        labelled |= label;
        if (++filled < span) return false;
        batch.Add((window.ToArray(), labelled, flaggedRows >= options.HardCriterion));
        filled = 0;
        flaggedRows = 0;
        labelled = false;
        if (batch.Count < options.BatchWindows) return false;
        for (int k = 0; k < batch.Count; k++)
        {
            var (rows, anomalous, hard) = batch[k];
            if (!anomalous && !hard && options.RelearnThreshold && easyNormals++ % 3 == 2) HoldOut(batch.Count - k);
            else buffers.File(rows, anomalous, hard);
        }
        windowsSeen += batch.Count;
        batch.Clear();
        if (!buffers.Due(options)) return false;
        Update();
        return true;
    }

    /// <summary>Marks the window that ended <paramref name="windowsAgo"/> windows before the newest row as held out.</summary>
    private void HoldOut(int windowsAgo)
    {
        long end = rowsSeen - (long)(windowsAgo - 1) * span;
        for (long r = Math.Max(end - span, rowsSeen - ReferenceRows); r < end; r++) recentHeldOut[(int)(r % ReferenceRows)] = true;
    }

    private void Update()
    {
        List<float[]> fresh = options.TrainOn == RetrainSet.AllNormals ? buffers.Normals : buffers.HardNormals;
        int size = span * features;
        float[] rehearsal = options.Rehearse ? detector.Rehearsal! : [];
        float[] rows = new float[fresh.Count * size + rehearsal.Length];
        for (int i = 0; i < fresh.Count; i++) fresh[i].CopyTo(rows, i * size);
        rehearsal.CopyTo(rows, fresh.Count * size);
        int windows = rows.Length / size;
        TrainingSet set = detector.Config.PredictsNextRow
            ? TrainingSet.NextRow(rows, features, detector.Config.Window, [.. Enumerable.Range(0, windows).Select(i => i * span)])
            : TrainingSet.Reconstruction(rows, span, features);
        IReadOnlyList<IWindowModel> members = detector.Model is EnsembleModel e ? e.Members : [detector.Model];
        double before = 0, after = 0;
        int epochs = 0;
        foreach (IWindowModel m in members)
        {
            double loss = Inference.Loss(m, set);
            var report = Trainer.Fit(m, set, set, options.Retraining(loss, windowsSeen), progress: null);
            before += loss / members.Count;
            after += Inference.Loss(m, set) / members.Count;
            epochs = Math.Max(epochs, report.EpochsRun);
        }
        int heldOut = options.RelearnThreshold ? Recalibrate() : 0;
        updates.Add(new UpdateRecord(windowsSeen, buffers.HardNormals.Count, buffers.Normals.Count, buffers.Anomalies.Count, fresh.Count, heldOut / span,
            epochs, before, after, detector.Threshold)
        {
            Recalibrated = heldOut >= AnomalyDetector.MinReferenceRows,
        });
        buffers.Clear();
    }

    /// <summary>Fits the calibration again on the held-out rows among the recent ones; returns how many there were.</summary>
    private int Recalibrate()
    {
        int n = (int)Math.Min(rowsSeen, ReferenceRows);
        var rows = new float[n * features];
        var reference = new bool[n];
        var anomalous = new bool[n];
        for (int i = 0; i < n; i++)
        {
            int slot = (int)((rowsSeen - n + i) % ReferenceRows);
            recent.AsSpan(slot * features, features).CopyTo(rows.AsSpan(i * features));
            reference[i] = recentHeldOut[slot] && !recentLabel[slot];
            anomalous[i] = recentLabel[slot];
        }
        int count = reference.Count(x => x);
        if (count >= AnomalyDetector.MinReferenceRows) detector.Recalibrate(new Data.Series(rows, features), reference, anomalous);
        return count;
    }
}
