using System.Text.RegularExpressions;
using RnnEngine.Engine.Tests.Models;
using RnnEngine.Engine.Tests.Support;
using Xunit;

namespace RnnEngine.Engine.Tests.Cli;

/// <summary>
/// The output pasted in the README is what the commands print: the quick start's commands (written there by
/// docs/quickstart.sh) and the set-up's `run powerdemand` are run again here and their lines compared with the
/// README's, numbers masked (timings and the last digits of trained figures differ between machines).
/// </summary>
[Collection(nameof(SerialCollection))]
public sealed class ReadmeOutputTests : IDisposable
{
    private readonly TempFiles files = new();

    public void Dispose() => files.Dispose();

    private static string Readme => File.ReadAllText(Path.Combine(RepoRoot(), "README.md"));

    [Fact]
    public void QuickStartOutputIsWhatItsCommandsPrint()
    {
        string block = Between(Readme, "<!-- quickstart output: docs/quickstart.sh --readme -->\n```\n", "```\n<!-- end quickstart output -->");
        string data = Path.Combine(RepoRoot(), "data", "nab_cpu_asg");
        File.Copy(Path.Combine(data, "cpu.csv"), files.PathOf("cpu.csv"));
        File.Copy(Path.Combine(data, "labels.csv"), files.PathOf("labels.csv"));
        File.WriteAllLines(files.PathOf("normal.csv"), File.ReadLines(files.PathOf("cpu.csv")).Take(2708));

        var commands = Split(block).Where(c => c.Command.StartsWith("rnnengine ", StringComparison.Ordinal)).ToList();
        Assert.Equal(["train", "score", "eval"], commands.Select(c => c.Command.Split(' ')[1]));
        foreach (var (command, expected) in commands)
        {
            // the README's relative file names live in the temporary folder here
            string[] args = [.. command.Split(' ').Skip(1).Select(a => a.Contains('.') && !a.StartsWith('-') ? files.PathOf(a) : a)];
            var (code, output, err) = CliRunner.Run(args);
            Assert.True(code == 0, $"{command}: exit {code}: {err}");
            var printed = (err + output).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Where(l => !l.StartsWith("epoch ", StringComparison.Ordinal))
                .Select(l => l.Replace(files.Dir + Path.DirectorySeparatorChar, "", StringComparison.Ordinal))
                .Select(l => l.Length > 240 ? l[..240] + " ..." : l);
            Assert.Equal(Masked(expected), Masked(printed));
        }
    }

    [Fact]
    public void SetUpOutputIsWhatRunPowerdemandPrints()
    {
        string readme = Readme;
        // the first fenced block after the sentence that introduces the output
        string block = Between(readme[readme.IndexOf("Output of the first command", StringComparison.Ordinal)..], "```\n", "```\n");
        string outDir = files.PathOf("pd");
        var (code, output, err) = CliRunner.Run("run", "powerdemand", "--device", "cpu", "--out", outDir, "--quiet");
        Assert.True(code == 0, err);
        var printed = output.Replace(outDir, Path.Combine("out", "powerdemand"), StringComparison.Ordinal).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Masked(block.Split('\n', StringSplitOptions.RemoveEmptyEntries)), Masked(printed));
    }

    /// <summary>Numbers become '#', so a line's words, order and format are compared and its figures are not.</summary>
    private static List<string> Masked(IEnumerable<string> lines) =>
        [.. lines.Select(l => Regex.Replace(l.TrimEnd(), @"[0-9]+([.,][0-9]+)*(e[-+]?[0-9]+)?", "#")).Order(StringComparer.Ordinal)];

    /// <summary>The block's commands ("$ ..." lines) with the lines each printed.</summary>
    private static IEnumerable<(string Command, List<string> Printed)> Split(string block)
    {
        (string Command, List<string> Printed)? current = null;
        foreach (string line in block.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("$ ", StringComparison.Ordinal))
            {
                if (current is not null) yield return current.Value;
                current = (line[2..], []);
            }
            else current?.Printed.Add(line);
        }
        if (current is not null) yield return current.Value;
    }

    private static string Between(string text, string start, string end)
    {
        int at = text.IndexOf(start, StringComparison.Ordinal);
        Assert.True(at >= 0, $"README has no '{start.Trim()}'");
        int from = at + start.Length;
        int to = text.IndexOf(end, from, StringComparison.Ordinal);
        Assert.True(to > from, "README block is empty");
        return text[from..to];
    }

    private static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "RnnEngine.sln"))) return d.FullName;
        throw new InvalidOperationException("RnnEngine.sln not found above the test assembly");
    }
}
