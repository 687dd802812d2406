using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using RnnEngine.Models.Data;

namespace RnnEngine.Cli;

/// <summary>Thrown for a bad command line or bad input; the CLI prints the message on one line and exits 2.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>
/// The options of the commands, built one way: a name, a description, a default that `--help` shows, and a range or a
/// set of accepted words that the parser enforces before any work starts (a bad value is a usage error, exit 2).
/// </summary>
internal static class Opt
{
    public static Option<int> Int(string name, int fallback, int min, int max, string description, string helpName = "N")
    {
        var o = new Option<int>(name) { Description = description, HelpName = helpName, DefaultValueFactory = _ => fallback };
        o.Validators.Add(r => { if (Converted(r, out int v)) CheckRange(r, name, v, min, max); });
        return o;
    }

    /// <summary>An integer whose default depends on other options (the description says which); null when not given.</summary>
    public static Option<int?> OptionalInt(string name, int min, int max, string description, string helpName = "N")
    {
        var o = new Option<int?>(name) { Description = description, HelpName = helpName };
        o.Validators.Add(r => { if (Converted(r, out int? v) && v is int x) CheckRange(r, name, x, min, max); });
        return o;
    }

    public static Option<double> Double(string name, double fallback, double min, double max, string description, string helpName = "X")
    {
        var o = new Option<double>(name) { Description = description, HelpName = helpName, DefaultValueFactory = _ => fallback };
        o.Validators.Add(r => { if (Converted(r, out double v)) CheckRange(r, name, v, min, max); });
        return o;
    }

    public static Option<double?> OptionalDouble(string name, double min, double max, string description, string helpName = "X")
    {
        var o = new Option<double?>(name) { Description = description, HelpName = helpName };
        o.Validators.Add(r => { if (Converted(r, out double? v) && v is double x) CheckRange(r, name, x, min, max); });
        return o;
    }

    /// <summary>One of a fixed set of words; `--help` lists them (a long list goes in the description instead).</summary>
    public static Option<string> Choice(string name, string fallback, string description, params string[] choices)
    {
        var o = new Option<string>(name) { Description = description, DefaultValueFactory = _ => fallback };
        o.AcceptOnlyFromAmong(choices);
        if (choices.Length > 5) o.HelpName = name.TrimStart('-').ToUpperInvariant();
        return o;
    }

    /// <summary>One of a fixed set of words whose default depends on other options; null when not given.</summary>
    public static Option<string?> OptionalChoice(string name, string description, params string[] choices)
    {
        var o = new Option<string?>(name) { Description = description };
        o.AcceptOnlyFromAmong(choices);
        return o;
    }

    public static Option<string> Required(string name, string helpName, string description) =>
        new(name) { Description = description, HelpName = helpName, Required = true };

    public static Option<string?> Text(string name, string helpName, string description) =>
        new(name) { Description = description, HelpName = helpName };

    public static Option<string> Text(string name, string helpName, string fallback, string description) =>
        new(name) { Description = description, HelpName = helpName, DefaultValueFactory = _ => fallback };

    public static Option<bool> Flag(string name, string description) => new(name) { Description = description };

    // the options several commands share

    public static Option<string> Device(string fallback = "auto") => Choice("--device", fallback,
        "compute backend: cpu (native SIMD), ilgpu-cpu (the GPU kernels on ILGPU's simulator, slow), cuda (NVIDIA GPU), auto (cuda when present, else cpu)",
        "auto", "cpu", "ilgpu-cpu", "cuda");

    public static Option<int> Threads(int fallback = 0, string why = "") => Int("--threads", fallback, 0, 256, "cpu worker threads (0: all cores)" + why);

    public static Option<bool> Quiet() => Flag("--quiet", "no progress on stderr");

    public static Option<int> Seed(int fallback = 1) => Int("--seed", fallback, 0, int.MaxValue,
        "the one seed of initialisation, shuffling and dropout");

    public static Option<string> Missing() => Choice("--missing", "error",
        "missing cells (empty, NaN, NA): reject the file, drop the row, carry the last value forward, or use 0",
        "error", "drop", "ffill", "zero");

    public static Option<bool> NoHeader() => Flag("--no-header", "the CSV has no header row (columns are then taken by position)");

    public static Option<string?> Config() => Text("--config", "FILE.json",
        "options from a JSON object, e.g. {\"hidden\": 64, \"online-batch\": 2}; flags on the command line override it");

    public static MissingPolicy MissingPolicy(this ParseResult p, Option<string> option) =>
        MissingPolicies.TryParse(p.GetValue(option), out MissingPolicy m) ? m : Models.Data.MissingPolicy.Error;

    /// <summary>The option's value, or false when the text did not convert (the parser reports that itself).</summary>
    private static bool Converted<T>(OptionResult r, out T? value)
    {
        try
        {
            value = r.GetValueOrDefault<T>();
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default;
            return false;
        }
    }

    private static void CheckRange(OptionResult r, string name, double v, double min, double max)
    {
        if (!double.IsFinite(v)) r.AddError($"{name} expects a finite number, got {v.ToString(CultureInfo.InvariantCulture)}");
        else if (v < min || v > max)
            r.AddError(string.Create(CultureInfo.InvariantCulture, $"{name} must be in [{min:G}, {max:G}], got {v:G}"));
    }
}
