using System.Text.Json;

namespace RnnEngine.Models.Data.Seeds;

/// <summary>
/// Reads the seed-002 trace data (theft_protection/single_thread/version_3 of that project), all JSON:
/// <list type="bullet">
/// <item>trace file (trace_trial1, ...): an array of [variable id, timestamp] pairs, one per event, in time order;</item>
/// <item>label file (labels/trace_trial1_labels.json): an object whose "labels" maps the trace name to rows
/// [start_event, end_event, start_ts, end_ts, class] (a bare array of such rows is accepted too);</item>
/// <item>varlist file: an object mapping variable names (e.g. 1_0_main_temp) to ids 0..15.</item>
/// </list>
/// In error messages "row" counts the elements of the JSON array (1-based): the n-th event or the n-th label row;
/// a JSON syntax error names the line of the file.
/// </summary>
public static class ProgramTraceReader
{
    public static ProgramTrace Read(string tracePath, string? labelPath = null)
    {
        (int[] ids, double[] ts) = ReadEvents(tracePath);
        if (labelPath is null) return new ProgramTrace(ids, ts, null, tracePath);
        List<TraceLabel> labels = ReadLabels(labelPath, Path.GetFileNameWithoutExtension(tracePath));
        for (int r = 0; r < labels.Count; r++)
            if (labels[r].EndEvent >= ids.Length)
                throw new DataFormatException(labelPath, r + 1, "'end_event' (#2)", $"event {labels[r].EndEvent} is past the end of {tracePath} ({ids.Length} events)");
        return new ProgramTrace(ids, ts, labels, tracePath);
    }

    public static (int[] Ids, double[] Timestamps) ReadEvents(string path)
    {
        using JsonDocument doc = Parse(path);
        if (doc.RootElement.ValueKind != JsonValueKind.Array)
            throw new DataFormatException(path, null, null, $"expected a JSON array of [variable id, timestamp] pairs, got {doc.RootElement.ValueKind}");
        int n = doc.RootElement.GetArrayLength();
        if (n == 0) throw new DataFormatException(path, null, null, "empty trace: expected at least one [variable id, timestamp] event");
        var ids = new int[n];
        var ts = new double[n];
        int row = 0;
        foreach (JsonElement e in doc.RootElement.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.Array || e.GetArrayLength() != 2)
                throw new DataFormatException(path, row + 1, null, $"expected a [variable id, timestamp] pair, got {DataFormatException.Quote(e.GetRawText())}");
            ids[row] = Int(path, row, e[0], "'variable id' (#1)");
            if (ids[row] < 0) throw new DataFormatException(path, row + 1, "'variable id' (#1)", $"expected a non-negative id, got {ids[row]}");
            ts[row] = Number(path, row, e[1], "'timestamp' (#2)");
            if (row > 0 && ts[row] < ts[row - 1])
                throw new DataFormatException(path, row + 1, "'timestamp' (#2)", $"time goes backwards: {ts[row]} after {ts[row - 1]}");
            row++;
        }
        return (ids, ts);
    }

    /// <summary>The label rows for <paramref name="traceName"/> (or the only trace named in the file).</summary>
    public static List<TraceLabel> ReadLabels(string path, string? traceName = null)
    {
        using JsonDocument doc = Parse(path);
        JsonElement rows = doc.RootElement;
        if (rows.ValueKind == JsonValueKind.Object)
        {
            if (!rows.TryGetProperty("labels", out JsonElement byTrace) || byTrace.ValueKind != JsonValueKind.Object)
                throw new DataFormatException(path, null, "'labels'", "missing column: expected an object with \"labels\": {trace name: [[start_event, end_event, start_ts, end_ts, class], ...]}");
            var traces = byTrace.EnumerateObject().ToList();
            if (traces.Count == 0) throw new DataFormatException(path, null, "'labels'", "no trace listed under \"labels\"");
            JsonProperty chosen = traceName is not null && traces.Any(t => t.Name == traceName) ? traces.First(t => t.Name == traceName)
                : traces.Count == 1 ? traces[0]
                : throw new DataFormatException(path, null, "'labels'", $"{traces.Count} traces listed ({string.Join(", ", traces.Select(t => t.Name))}) and none is named '{traceName}'");
            rows = chosen.Value;
        }
        if (rows.ValueKind != JsonValueKind.Array)
            throw new DataFormatException(path, null, null, $"expected an array of label rows, got {rows.ValueKind}");
        var labels = new List<TraceLabel>();
        int r = 0;
        foreach (JsonElement e in rows.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.Array || e.GetArrayLength() != 5)
                throw new DataFormatException(path, r + 1, null, $"expected [start_event, end_event, start_ts, end_ts, class], got {DataFormatException.Quote(e.GetRawText())}");
            int s = Int(path, r, e[0], "'start_event' (#1)"), end = Int(path, r, e[1], "'end_event' (#2)");
            if (s < 0 || end < s) throw new DataFormatException(path, r + 1, "'end_event' (#2)", $"expected 0 <= start_event <= end_event, got {s}..{end}");
            labels.Add(new TraceLabel(s, end, Number(path, r, e[2], "'start_ts' (#3)"), Number(path, r, e[3], "'end_ts' (#4)"), Int(path, r, e[4], "'class' (#5)")));
            r++;
        }
        return labels;
    }

    /// <summary>Variable name -> id, checking that ids are distinct.</summary>
    public static Dictionary<string, int> ReadVarList(string path)
    {
        using JsonDocument doc = Parse(path);
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
            throw new DataFormatException(path, null, null, "expected an object mapping variable names to ids");
        var map = new Dictionary<string, int>();
        var seen = new HashSet<int>();
        int r = 0;
        foreach (JsonProperty p in doc.RootElement.EnumerateObject())
        {
            int id = Int(path, r, p.Value, $"'{p.Name}'");
            if (!seen.Add(id)) throw new DataFormatException(path, r + 1, $"'{p.Name}'", $"id {id} is used twice");
            map[p.Name] = id;
            r++;
        }
        return map;
    }

    private static JsonDocument Parse(string path)
    {
        if (!File.Exists(path)) throw new DataFormatException(path, null, null, "file not found");
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            int? line = e.LineNumber is long l ? (int)l + 1 : null;
            throw new DataFormatException(path, line, null, $"invalid JSON (byte {e.BytePositionInLine} of the line)", e);
        }
    }

    private static double Number(string path, int row, JsonElement e, string column) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out double v) && double.IsFinite(v) ? v
            : throw new DataFormatException(path, row + 1, column, $"expected a number, got {DataFormatException.Quote(e.GetRawText())}");

    private static int Int(string path, int row, JsonElement e, string column) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out int v) ? v
            : throw new DataFormatException(path, row + 1, column, $"expected an integer, got {DataFormatException.Quote(e.GetRawText())}");
}
