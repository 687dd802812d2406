using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using RnnEngine.Models.Data;

namespace RnnEngine.Cli;

/// <summary>
/// `--config FILE.json`: a JSON object whose keys are option names without the dashes ({"hidden": 64, "online": true,
/// "online-batch": 2}). Its options are added to the command line unless the command line gives them itself, so flags
/// override the file. A key the command does not know, or a value that is not a string, number or boolean, is an
/// error naming the file and the key.
/// </summary>
internal static class ConfigFile
{
    public static string[] Expand(RootCommand root, string[] args)
    {
        int at = Array.FindIndex(args, a => a == "--config" || a.StartsWith("--config=", StringComparison.Ordinal));
        if (at < 0) return args;
        string? path = args[at].Length > "--config".Length ? args[at]["--config=".Length..] : at + 1 < args.Length ? args[at + 1] : null;
        if (path is null) return args;   // the parser reports the missing value
        Command command = root.Parse(args).CommandResult.Command;
        if (!command.Options.Any(o => o.Name == "--config")) return args;   // the parser reports the unknown option

        if (!File.Exists(path)) throw new DataFormatException(path, null, null, "file not found");
        JsonDocument doc;
        try { doc = JsonDocument.Parse(File.ReadAllText(path)); }
        catch (JsonException e) { throw new DataFormatException(path, (int?)e.LineNumber + 1, null, "not valid JSON: " + e.Message); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new DataFormatException(path, null, null, "expected a JSON object of option names and values");
            var added = new List<string>();
            foreach (JsonProperty p in doc.RootElement.EnumerateObject())
            {
                string name = "--" + p.Name;
                Option? option = command.Options.FirstOrDefault(o => o.Name == name);
                if (option is null || name == "--config")
                    throw new DataFormatException(path, null, null, $"'{p.Name}' is not an option of '{command.Name}' (see its --help)");
                if (args.Any(a => a == name || a.StartsWith(name + "=", StringComparison.Ordinal))) continue;
                switch (p.Value.ValueKind)
                {
                    case JsonValueKind.True: added.Add(name); break;
                    case JsonValueKind.False: break;
                    case JsonValueKind.String: added.AddRange([name, p.Value.GetString()!]); break;
                    case JsonValueKind.Number: added.AddRange([name, p.Value.GetRawText()]); break;
                    default:
                        throw new DataFormatException(path, null, null,
                            $"'{p.Name}': expected a string, number or true/false, got {p.Value.ValueKind.ToString().ToLower(CultureInfo.InvariantCulture)}");
                }
            }
            return [.. args, .. added];
        }
    }
}
