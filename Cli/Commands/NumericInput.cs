using RnnEngine.Models.Data;

namespace RnnEngine.Cli.Commands;

/// <summary>The option rules of the input formats that <see cref="DataFile"/> reads.</summary>
public static class NumericInput
{
    /// <summary>The usage rules of the formats: a SWaT export brings its own header and labels, a trace its own
    /// features (--labels is its interval JSON), and neither has missing cells to fill.</summary>
    public static void CheckOptions(string format, bool noHeader, string? labels, MissingPolicy missing, int resampleSeconds, string? columns = null)
    {
        if (format == DataFile.Swat)
        {
            if (noHeader || labels is not null || missing != MissingPolicy.Error)
                throw new UsageException("--format swat reads the export's own header and Normal/Attack labels: --no-header, --labels and --missing do not apply");
        }
        else if (resampleSeconds > 0) throw new UsageException("--resample applies to --format swat only");
        if (format == DataFile.Trace && (noHeader || columns is not null || missing != MissingPolicy.Error))
            throw new UsageException("--format trace builds its own features (one-hot variable id, ln(1 + dt)): --no-header, --columns and --missing do not apply");
    }

}
