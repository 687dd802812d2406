using RnnEngine.Models.Data.Seeds;

namespace RnnEngine.Models.Data;

/// <summary>
/// `--format csv|swat|trace`: the rows a numeric detector trains on or scores, read in the detector's input format: a numeric CSV
/// (<see cref="CsvSeriesReader"/>, missing-value policy), the SWaT export (<see cref="SwatReader"/>: its 51 columns
/// or those named, per-row labels from Normal/Attack, optionally mean-resampled to bins of some seconds as seed 000
/// did) or a seed 002 program trace (<see cref="ProgramTraceReader"/>, one row per event of
/// <see cref="TraceFeatures.DetectorRows"/>, labels from the interval label JSON). Every reader names file, row and
/// column on bad input.
/// </summary>
public static class DataFile
{
    public const string Csv = "csv", Swat = "swat", Trace = "trace", Kev = "kev";

    /// <summary>Every format a model can be trained on (kev: kernel-event tokens, read by <see cref="KernelEventReader"/>).</summary>
    public static readonly string[] Formats = [Csv, Swat, Trace, Kev];

    /// <param name="traceLabels">--format trace only: the interval label JSON of the trace (null: unlabelled)</param>
    public static CsvReadResult Read(string format, string path, IReadOnlyList<string>? columns, bool noHeader, MissingPolicy missing,
        int resampleSeconds, string? traceLabels = null)
    {
        if (format == Trace)
        {
            ProgramTrace trace = ProgramTraceReader.Read(path, traceLabels);
            return new CsvReadResult(TraceFeatures.DetectorRows(trace, TraceFeatures.Variables), MissingReport.None(missing));
        }
        if (format != Swat)
            return CsvSeriesReader.ReadWithReport(path, new CsvReadOptions { HasHeader = !noHeader, Columns = columns, Missing = missing });
        SwatData swat = SwatReader.Read(path, new SwatReadOptions { Resample = resampleSeconds > 0 ? TimeSpan.FromSeconds(resampleSeconds) : null });
        Series s = columns is { Count: > 0 } ? Select(swat.Series, columns, path) : swat.Series;
        return new CsvReadResult(s, MissingReport.None(missing));
    }

    private static Series Select(Series s, IReadOnlyList<string> names, string path)
    {
        var index = new int[names.Count];
        for (int j = 0; j < names.Count; j++)
        {
            string name = SwatColumns.Normalise(names[j]);
            index[j] = SwatColumns.Names.ToList().IndexOf(name);
            if (index[j] < 0) throw new DataFormatException(path, 1, $"'{names[j]}'", "missing column: not one of the SWaT export's 51 columns");
        }
        var v = new float[s.Length * names.Count];
        for (int t = 0; t < s.Length; t++)
            for (int j = 0; j < index.Length; j++) v[t * index.Length + j] = s.Values[t * s.Features + index[j]];
        return new Series(v, index.Length, s.Labels, s.Source, [.. index.Select(i => SwatColumns.Names[i])]);
    }
}
