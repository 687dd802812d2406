using System.Globalization;
using System.Text;

namespace RnnEngine.Models.Data.Seeds;

/// <summary>
/// Writes SWaT rows in the layout of the real CSV export (the layout <see cref="SwatReader"/> reads): " Timestamp",
/// the 51 columns, "Normal/Attack", times like " 28/12/2015 10:00:00 AM". The export's stray spaces are reproduced on
/// the actuator names of stages 1-3 (" MV101", " P201", ...) so that a written synthetic file exercises the reader's
/// name cleaning the way a real file does.
/// </summary>
public static class SwatCsvWriter
{
    public static void Write(string path, SwatData data)
    {
        Series s = data.Series;
        if (s.Features != SwatColumns.Count) throw new ArgumentException($"expected {SwatColumns.Count} columns, got {s.Features}");
        using var w = new StreamWriter(path, false, new UTF8Encoding(false));
        var sb = new StringBuilder(" Timestamp");
        foreach (string name in SwatColumns.Names)
            sb.Append(',').Append(SwatColumns.IsActuator(name) && name[^3] is '1' or '2' or '3' ? " " + name : name);
        sb.Append(',').Append(SwatColumns.Label);
        w.WriteLine(sb.ToString());
        for (int t = 0; t < s.Length; t++)
        {
            sb.Clear();
            sb.Append(' ').Append(data.Timestamps[t].ToString("dd/MM/yyyy h:mm:ss tt", CultureInfo.InvariantCulture));
            foreach (float v in s.Row(t)) sb.Append(',').Append(v.ToString("R", CultureInfo.InvariantCulture));
            sb.Append(',').Append(s.Labels is { } l && l[t] ? "Attack" : "Normal");
            w.WriteLine(sb.ToString());
        }
    }
}
