namespace RnnEngine.Models.Online;

/// <summary>
/// Seed 001's three buffers and its update trigger, one rule for <see cref="OnlineDetector"/> (whole windows) and
/// <see cref="FeedbackUpdater"/> (a stream's rows): every anomalous window, every normal one, and the normal ones that
/// were flagged (hard normals). An update is due when the hard normals fill <see cref="OnlineOptions.BufferWindows"/>
/// and, with <see cref="OnlineOptions.RequireAnomaly"/>, an anomalous window has arrived since the last update.
/// </summary>
internal sealed class UpdateBuffers
{
    public List<float[]> Anomalies { get; } = [];
    public List<float[]> HardNormals { get; } = [];
    public List<float[]> Normals { get; } = [];

    public void File(float[] window, bool anomalous, bool flagged)
    {
        if (anomalous)
        {
            Anomalies.Add(window);
            return;
        }
        Normals.Add(window);
        if (flagged) HardNormals.Add(window);
    }

    public bool Due(OnlineOptions options) => HardNormals.Count >= options.BufferWindows && (!options.RequireAnomaly || Anomalies.Count > 0);

    public void Clear()
    {
        Anomalies.Clear();
        HardNormals.Clear();
        Normals.Clear();
    }
}
