using System.Globalization;

namespace RnnEngine.Cli;

/// <summary>Thrown for a bad command line or bad input; the CLI prints the message on one line and exits 2.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>
/// `--name value` options and `--flag` switches after the command words. Every option a command reads is marked as
/// used; <see cref="EnsureAllUsed"/> then rejects the unknown ones, so a typo is an error rather than silently ignored.
/// </summary>
public sealed class CommandArgs
{
    private readonly Dictionary<string, string?> options = new(StringComparer.Ordinal);
    private readonly HashSet<string> used = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Positional { get; }

    public CommandArgs(IEnumerable<string> args)
    {
        var positional = new List<string>();
        var list = args.ToList();
        for (int i = 0; i < list.Count; i++)
        {
            string a = list[i];
            if (!a.StartsWith("--", StringComparison.Ordinal) || a.Length == 2)
            {
                positional.Add(a);
                continue;
            }
            string name = a[2..];
            string? value = null;
            int eq = name.IndexOf('=');
            if (eq >= 0) { value = name[(eq + 1)..]; name = name[..eq]; }
            else if (i + 1 < list.Count && !list[i + 1].StartsWith("--", StringComparison.Ordinal)) value = list[++i];
            if (!options.TryAdd(name, value)) throw new UsageException($"option --{name} given twice");
        }
        Positional = positional;
    }

    public bool Flag(string name)
    {
        used.Add(name);
        if (!options.TryGetValue(name, out string? v)) return false;
        if (v is not null) throw new UsageException($"--{name} is a switch and takes no value (got '{v}')");
        return true;
    }

    public string? String(string name)
    {
        used.Add(name);
        if (!options.TryGetValue(name, out string? v)) return null;
        return v ?? throw new UsageException($"--{name} needs a value");
    }

    public string String(string name, string fallback) => String(name) ?? fallback;

    public int Int(string name, int fallback, int min = int.MinValue, int max = int.MaxValue)
    {
        string? s = String(name);
        if (s is null) return fallback;
        if (!int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v))
            throw new UsageException($"--{name} expects an integer, got '{s}'");
        if (v < min || v > max) throw new UsageException($"--{name} must be in [{min}, {max}], got {v}");
        return v;
    }

    public double Double(string name, double fallback, double min = double.MinValue, double max = double.MaxValue)
    {
        string? s = String(name);
        if (s is null) return fallback;
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
            throw new UsageException($"--{name} expects a number, got '{s}'");
        if (v < min || v > max) throw new UsageException($"--{name} must be in [{min}, {max}], got {v}");
        return v;
    }

    public void EnsureAllUsed()
    {
        foreach (string name in options.Keys)
            if (!used.Contains(name)) throw new UsageException($"unknown option --{name}");
    }
}
