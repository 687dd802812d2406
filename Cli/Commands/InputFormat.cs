using RnnEngine.Models.Data;
using RnnEngine.Models.Detection;

namespace RnnEngine.Cli.Commands;

/// <summary>
/// `train --format csv|swat|trace|kev`: how the --data file is read. `csv` is any numeric CSV, `swat` the SWaT A1/A2
/// CSV export (labels from its Normal/Attack column), `trace` a seed 002 program-trace JSON (--labels: its interval
/// label JSON), `kev` a QNX kernel-event trace. The token model only reads `kev`
/// and the numeric models only numeric rows, so the default follows the model (`kev` for gru-attention-seq2seq, else
/// `csv`) and a contradicting --format is a usage error. `score` reads the format the model was trained on.
/// </summary>
public static class InputFormat
{
    public const string Csv = DataFile.Csv, Swat = DataFile.Swat, Trace = DataFile.Trace, Kev = DataFile.Kev;

    public static readonly string[] Names = DataFile.Formats;

    /// <param name="given">--format, null when not given</param>
    public static string Resolve(string? given, string model)
    {
        bool tokens = model == TokenDetectorConfig.ModelName;
        string format = given ?? (tokens ? Kev : Csv);
        if (tokens != (format == Kev))
            throw new UsageException(tokens
                ? $"--model {model} reads kernel-event traces (--format {Kev}), not --format {format}"
                : $"--format {Kev} (kernel-event tokens) needs --model {TokenDetectorConfig.ModelName}; {model} reads numeric rows");
        return format;
    }
}
