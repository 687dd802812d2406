using System.Globalization;
using System.Text;

namespace RnnEngine.Models.Data.Seeds;

/// <summary>Writes a trace and its labels in seed 002's JSON formats (what <see cref="ProgramTraceReader"/> reads).</summary>
public static class ProgramTraceWriter
{
    public static void WriteTrace(string path, ProgramTrace trace)
    {
        var sb = new StringBuilder("[");
        for (int i = 0; i < trace.Length; i++)
            sb.Append(i == 0 ? "" : ", ").Append('[').Append(trace.Ids[i]).Append(", ").Append(Num(trace.Timestamps[i])).Append(']');
        File.WriteAllText(path, sb.Append(']').ToString());
    }

    public static void WriteLabels(string path, string traceName, IReadOnlyList<TraceLabel> labels)
    {
        var sb = new StringBuilder("{\"labels\": {\"").Append(traceName).Append("\": [");
        for (int i = 0; i < labels.Count; i++)
        {
            TraceLabel l = labels[i];
            sb.Append(i == 0 ? "" : ", ").Append($"[{l.StartEvent}, {l.EndEvent}, {Num(l.StartTime)}, {Num(l.EndTime)}, {l.Class}]");
        }
        File.WriteAllText(path, sb.Append("]}}").ToString());
    }

    private static string Num(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
