using System.Text;

namespace RnnEngine.Models.Data.Seeds;

/// <summary>
/// Writes a synthetic kernel event trace as a .kev.csv that <see cref="KernelEventReader"/> reads: quoted fields, a
/// header with "class" and "event" (event in column 5 as in the real export) and a per-event "label" column (0/1).
/// The real export's other columns are unknown; "index", "time" (one tick of the synthetic clock per event) and "cpu"
/// only keep the shape of a multi-column export.
/// </summary>
public static class KernelEventCsvWriter
{
    public static void Write(string path, KernelEventSyntheticData data)
    {
        using var w = new StreamWriter(path, false, new UTF8Encoding(false));
        w.WriteLine("\"index\",\"time\",\"cpu\",\"class\",\"event\",\"label\"");
        bool[] labels = data.Trace.Labels ?? new bool[data.Classes.Length];
        for (int i = 0; i < data.Classes.Length; i++)
            w.WriteLine($"\"{i}\",\"{i * 2}\",\"0\",\"{data.Classes[i]}\",\"{data.Events[i]}\",\"{(labels[i] ? 1 : 0)}\"");
    }
}
