using System.CommandLine;
using RnnEngine.Engine.Tests.Models;
using RnnEngine.Engine.Tests.Support;
using Xunit;

namespace RnnEngine.Engine.Tests.Cli;

/// <summary>`--help` on every command, usage errors (exit 2 with the command's usage) and `--config FILE.json`.</summary>
public sealed class HelpAndUsageTests : IDisposable
{
    private readonly TempFiles files = new();

    public void Dispose() => files.Dispose();

    private static (int Code, string Out, string Err) Run(params string[] args) => CliRunner.Run(args);

    /// <summary>Every visible command and subcommand, as the words that reach it.</summary>
    public static TheoryData<string> CommandPaths()
    {
        var data = new TheoryData<string>();
        void Walk(Command c, string path)
        {
            foreach (Command sub in c.Subcommands.Where(s => !s.Hidden))
            {
                string p = (path + " " + sub.Name).Trim();
                data.Add(p);
                Walk(sub, p);
            }
        }
        Walk(RnnEngine.Cli.Cli.Build(TextWriter.Null, TextWriter.Null, null, CancellationToken.None), "");
        return data;
    }

    [Theory]
    [MemberData(nameof(CommandPaths))]
    public void HelpNamesEveryOptionOfTheCommand(string path)
    {
        string[] words = path.Split(' ');
        var (code, output, err) = Run([.. words, "--help"]);
        Assert.True(code == 0, $"'{path} --help' exit {code}: {err}");
        Command command = RnnEngine.Cli.Cli.Build(TextWriter.Null, TextWriter.Null, null, CancellationToken.None);
        foreach (string w in words) command = command.Subcommands.Single(s => s.Name == w);
        Assert.Contains("Usage:", output);
        foreach (Option o in command.Options.Where(o => !o.Hidden))
            Assert.Contains(o.Name, output);
    }

    [Fact]
    public void RunHelpNamesEveryExperiment()
    {
        var (code, output, _) = Run("run", "--help");
        Assert.Equal(0, code);
        foreach (string e in new[] { "powerdemand", "sine", "swat-synthetic", "traces-synthetic", "kernel-events-synthetic", "kdd-smtp", "kdd-http", "kdd-smtp-http", "forest" })
            Assert.Contains(e, output);
    }

    [Fact]
    public void AMissingRequiredOptionIsAUsageErrorWithTheUsage()
    {
        var (code, output, err) = Run("train", "--data", "x.csv");
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains("error: Option '--out' is required", err);
        Assert.Contains("train [options]", err);
        Assert.Contains("--window", err);
    }

    [Theory]
    [InlineData("--hidden", "0", "--hidden must be in [1, 4096], got 0")]
    [InlineData("--epochs", "x", "'--epochs' as an integer")]
    [InlineData("--model", "lstm", "--model")]
    [InlineData("--risk", "2", "--risk must be in")]
    public void ABadOptionValueIsRefusedBeforeAnyWork(string option, string value, string said)
    {
        string data = files.Write("d.csv", "a\n1\n2\n");
        var (code, _, err) = Run("train", "--data", data, "--out", files.PathOf("m"), option, value);
        Assert.Equal(2, code);
        Assert.Contains(said, err);
        Assert.False(File.Exists(files.PathOf("m")));
    }

    [Fact]
    public void AnUnknownSubcommandIsAUsageError()
    {
        var (code, _, err) = Run("run", "nosuch");
        Assert.Equal(2, code);
        Assert.Contains("nosuch", err);
        Assert.Contains("kernel-events-synthetic", err);
    }

    [Fact]
    public void ConfigFileOptionsApplyAndFlagsOverrideThem()
    {
        string config = files.Write("sine.json", """{"models": "fc-next", "fc-epochs": 1, "hidden": 0}""");
        // the file's "hidden": 0 is out of range: it was read
        var bad = Run("run", "sine", "--config", config, "--out", files.PathOf("o1"), "--device", "cpu");
        Assert.Equal(2, bad.Code);
        Assert.Contains("--hidden must be in [1, 4096], got 0", bad.Err);
        // the command line's --hidden wins over the file's
        var ok = Run("run", "sine", "--config", config, "--hidden", "4", "--out", files.PathOf("o2"), "--device", "cpu", "--quiet");
        Assert.True(ok.Code == 0, ok.Err);
        Assert.Contains("fc-next", ok.Out);
        Assert.DoesNotContain("lstm-ae", ok.Out);
    }

    [Theory]
    [InlineData("""{"frobnicate": 1}""", "'frobnicate' is not an option of 'sine'")]
    [InlineData("""[1, 2]""", "expected a JSON object")]
    [InlineData("""{"hidden": [4]}""", "'hidden': expected a string, number or true/false")]
    [InlineData("""{"hidden": 4""", "not valid JSON")]
    public void ABadConfigFileIsNamedWithItsKey(string json, string said)
    {
        string config = files.Write("bad.json", json);
        var (code, _, err) = Run("run", "sine", "--config", config, "--out", files.PathOf("o"));
        Assert.Equal(2, code);
        Assert.Contains(config, err);
        Assert.Contains(said, err);
        Assert.False(Directory.Exists(files.PathOf("o")));
    }
}
