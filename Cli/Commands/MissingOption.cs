using RnnEngine.Models.Data;

namespace RnnEngine.Cli.Commands;

/// <summary>`--missing error|drop|ffill|zero`, shared by train, score and stream.</summary>
internal static class MissingOption
{
    public static MissingPolicy Parse(CommandArgs args)
    {
        string? text = args.String("missing");
        if (text is null) return MissingPolicy.Error;
        return MissingPolicies.TryParse(text, out MissingPolicy p) ? p
            : throw new UsageException($"--missing expects {MissingPolicies.Names}, got '{text}'");
    }
}
