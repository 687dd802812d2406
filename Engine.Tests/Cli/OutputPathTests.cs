using RnnEngine.Cli.Commands;
using RnnEngine.Engine.Tests.Models;
using RnnEngine.Engine.Tests.Support;
using Xunit;

namespace RnnEngine.Engine.Tests.Cli;

/// <summary>Output paths are checked before any work: a directory, a missing folder, an input as output, a second
/// writer; each is one line, exit 2, and nothing is written.</summary>
public sealed class OutputPathTests : IDisposable
{
    private readonly TempFiles files = new();

    public void Dispose() => files.Dispose();

    private string Csv() => files.Write("d.csv", "a\n" + string.Join("\n", Enumerable.Range(0, 200).Select(i => Math.Sin(i / 3.0).ToString("F4", System.Globalization.CultureInfo.InvariantCulture))) + "\n");

    [Fact]
    public void BadOutputPathsAreRefusedBeforeTraining()
    {
        string data = Csv();
        string dir = files.PathOf("adir");
        Directory.CreateDirectory(dir);
        foreach ((string output, string expect) in new[]
        {
            (dir, "is a directory"),
            (files.PathOf(Path.Combine("missing", "m.model")), "does not exist"),
            (data, "is also the --data input"),
        })
        {
            var r = CliRunner.Run(["train", "--data", data, "--window", "8", "--epochs", "1", "--device", "cpu", "--out", output]);
            Assert.Equal(2, r.Code);
            Assert.Contains(expect, r.Err);
            Assert.Single(r.Err.Trim().Split('\n'));
            Assert.False(File.Exists(output + ".state"), "no training happened");
        }
        Assert.False(Directory.Exists(files.PathOf("missing")));
    }

    [Fact]
    public void ScoreMayNotOverwriteItsModelOrData()
    {
        string data = Csv(), model = files.PathOf("m.model");
        Assert.Equal(0, CliRunner.Run(["train", "--data", data, "--window", "8", "--hidden", "4", "--epochs", "1", "--device", "cpu", "--out", model, "--quiet"]).Code);
        long size = new FileInfo(model).Length;
        var r = CliRunner.Run(["score", "--model", model, "--data", data, "--out", model]);
        Assert.Equal(2, r.Code);
        Assert.Contains("is also the --model input", r.Err);
        Assert.Equal(size, new FileInfo(model).Length);
    }

    [Fact]
    public void ASecondWriterOfOneOutputIsRefused()
    {
        string data = Csv(), model = files.PathOf("locked.model");
        using (OutputPath.Lock("--out", model))
        {
            var r = CliRunner.Run(["train", "--data", data, "--window", "8", "--epochs", "1", "--device", "cpu", "--out", model]);
            Assert.Equal(2, r.Code);
            Assert.Contains("being written by another rnnengine process", r.Err);
            Assert.False(File.Exists(model));
        }
        Assert.False(File.Exists(model + ".lock"), "the lock file goes with its holder");
        Assert.Equal(0, CliRunner.Run(["train", "--data", data, "--window", "8", "--hidden", "4", "--epochs", "1", "--device", "cpu", "--out", model, "--quiet"]).Code);
    }
}
