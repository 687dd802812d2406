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
    public const string Csv = "csv", Swat = "swat", Trace = "trace", Kev = "kev";

    public static string Parse(CommandArgs args, string model)
    {
        bool tokens = model == TokenDetectorConfig.ModelName;
        string format = args.String("format", tokens ? Kev : Csv);
        if (format is not (Csv or Swat or Trace or Kev)) throw new UsageException($"--format expects {Csv}, {Swat}, {Trace} or {Kev}, got '{format}'");
        if (tokens != (format == Kev))
            throw new UsageException(tokens
                ? $"--model {model} reads kernel-event traces (--format {Kev}), not --format {format}"
                : $"--format {Kev} (kernel-event tokens) needs --model {TokenDetectorConfig.ModelName}; {model} reads numeric rows");
        return format;
    }
}
