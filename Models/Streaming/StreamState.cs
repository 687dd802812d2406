using RnnEngine.Models.Detection;
using RnnEngine.Models.Scoring;
using RnnEngine.Models.Thresholds;

namespace RnnEngine.Models.Streaming;

/// <summary>
/// What one scored stream carries from row to row: the last Span scaled rows (a ring), how many rows it has seen, the
/// smoothed score and the decision state. <see cref="Save"/> and <see cref="Load"/> turn it into bytes and back, so a
/// stream can go on in another process exactly where this one stopped (serve keeps each sensor's state in Redis).
/// </summary>
public sealed class StreamState
{
    private const byte Version = 1;
    private readonly int span, features;
    private readonly bool dynamic;
    private readonly float[] ring;   // [Span, F], row r of the stream at slot r % Span
    private readonly ScoreSmoother smoother;
    private RowDecider decider;

    public StreamState(AnomalyDetector detector)
    {
        span = detector.Config.Span;
        features = detector.Config.Features;
        dynamic = detector.Config.ThresholdRule == "dynamic";
        ring = new float[span * features];
        smoother = new ScoreSmoother(detector.Config.Smoothing);
        decider = detector.NewDecider();
    }

    /// <summary>Rows added so far (the index of the next row).</summary>
    public long Count { get; private set; }

    /// <summary>Appends a scaled row [F]; true once Span rows are in, i.e. this row has a score.</summary>
    public bool Add(ReadOnlySpan<float> scaledRow)
    {
        scaledRow.CopyTo(ring.AsSpan((int)(Count % span) * features, features));
        Count++;
        return Count >= span;
    }

    /// <summary>The span that ends at the last added row, oldest row first, into <paramref name="destination"/> [Span, F].</summary>
    public void CopySpan(Span<float> destination)
    {
        int head = (int)(Count % span);   // the oldest row's slot
        int tail = span - head;
        ring.AsSpan(head * features, tail * features).CopyTo(destination);
        ring.AsSpan(0, head * features).CopyTo(destination[(tail * features)..]);
    }

    /// <summary>The smoothed score of the next row from its raw score (NaN: no score, the state is left alone).</summary>
    public double Smooth(double raw) => smoother.Next(raw);

    /// <summary>The decision for the next row from its smoothed score; call once per row, scored or not.</summary>
    public bool Decide(double score) => decider.Next(score);

    /// <summary>Online updating changed the detector's threshold: decide by the new one from the next row on.</summary>
    public void Recalibrated(AnomalyDetector detector) => decider = detector.NewDecider();

    public byte[] Save()
    {
        using var bytes = new MemoryStream(32 + ring.Length * sizeof(float));
        using (var w = new BinaryWriter(bytes))
        {
            w.Write(Version); w.Write(span); w.Write(features); w.Write(dynamic);
            w.Write(Count);
            foreach (float v in ring) w.Write(v);
            smoother.Save(w);
            decider.Save(w);
        }
        return bytes.ToArray();
    }

    /// <summary>Replaces this state with saved bytes; throws <see cref="InvalidDataException"/> for the state of another kind of model.</summary>
    public void Load(byte[] saved)
    {
        using var r = new BinaryReader(new MemoryStream(saved, writable: false));
        try
        {
            byte version = r.ReadByte();
            int s = r.ReadInt32(), f = r.ReadInt32();
            bool d = r.ReadBoolean();
            if (version != Version || s != span || f != features || d != dynamic)
                throw new InvalidDataException($"the saved state is for a model with span {s}, {f} features{(d ? ", dynamic threshold" : "")} (version {version}); this model has span {span}, {features} features{(dynamic ? ", dynamic threshold" : "")}");
            long count = r.ReadInt64();
            if (count < 0) throw new InvalidDataException($"the saved state has a negative row count {count}");
            for (int i = 0; i < ring.Length; i++) ring[i] = r.ReadSingle();
            smoother.Load(r);
            decider.Load(r);
            Count = count;
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException($"the saved state is truncated ({saved.Length} bytes)");
        }
    }
}
