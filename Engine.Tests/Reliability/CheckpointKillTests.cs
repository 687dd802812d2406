using System.Diagnostics;
using System.Globalization;
using RnnEngine.Models.Checkpoint;
using Xunit;
using Xunit.Abstractions;

namespace RnnEngine.Engine.Tests.Reliability;

/// <summary>
/// Kills a child process that saves checkpoints in a loop (`rnnengine __write-checkpoints`) at random moments, 20
/// times, and checks the file left behind always loads whole: the last checkpoint the child reported, or the one it
/// was writing. Every checkpoint's values all equal its number k, so a mix of two writes cannot pass.
/// </summary>
public sealed class CheckpointKillTests(ITestOutputHelper output)
{
    private const int Kills = 20;

    [Fact]
    public void KilledWriterLeavesTheOldOrTheNewCheckpoint()
    {
        string cli = Path.Combine(AppContext.BaseDirectory, "rnnengine.dll");
        Assert.True(File.Exists(cli), $"{cli} not found beside the tests");
        string dir = Directory.CreateTempSubdirectory("rnnengine-kill-").FullName;
        string path = Path.Combine(dir, "model.safetensors");
        var rng = new Random(20261125);
        var total = Stopwatch.StartNew();
        var loaded = new List<(int Reported, int Loaded)>();
        try
        {
            for (int kill = 0; kill < Kills; kill++)
            {
                // Bounded on a slow machine: a child start waits at most what is left of 50 s.
                TimeSpan left = TimeSpan.FromSeconds(50) - total.Elapsed;
                Assert.True(left > TimeSpan.Zero, $"only {kill} of {Kills} kills in 50 s");
                int reported = RunAndKill(cli, path, rng.Next(0, 40), left);
                ModelCheckpoint c = ModelCheckpoint.Load(path);
                int k = int.Parse(c.ConfigJson.Trim('{', '}').Split(':')[1], CultureInfo.InvariantCulture);
                Assert.True(k == reported || k == reported + 1, $"kill {kill}: last reported write {reported}, file holds {k}");
                foreach (var p in c.Parameters) Assert.All(p.Data, v => Assert.Equal(k, v));
                loaded.Add((reported, k));
            }
            Assert.Equal(Kills, loaded.Count);
            // A killed write leaves its temp file; the next writer's first save deletes those of dead processes, so at
            // most the last kill's remains.
            int temps = Directory.GetFiles(dir).Length - 1;
            Assert.True(temps <= 1, $"{temps} temp files left beside the checkpoint");
            output.WriteLine($"{Kills} kills in {total.Elapsed.TotalSeconds:F1} s; file held the reported write {loaded.Count(l => l.Loaded == l.Reported)} times, "
                + $"the next (killed after the rename, before the report) {loaded.Count(l => l.Loaded != l.Reported)} times; "
                + $"writes per child {string.Join(' ', loaded.Select(l => l.Loaded))}; {temps} temp files left");
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>Starts the writer, waits for its first completed save, lets it run <paramref name="delayMs"/> more, kills it.</summary>
    private static int RunAndKill(string cli, string path, int delayMs, TimeSpan limit)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in new[] { cli, RnnEngine.Cli.Commands.WriteCheckpointsCommand.Name, "--path", path, "--floats", "65536" }) start.ArgumentList.Add(a);
        using var child = Process.Start(start) ?? throw new InvalidOperationException("could not start the writer");
        int reported = 0;
        var first = new ManualResetEventSlim();
        child.OutputDataReceived += (_, e) =>
        {
            if (e.Data is string line && line.StartsWith("wrote ", StringComparison.Ordinal))
            {
                Volatile.Write(ref reported, int.Parse(line[6..], CultureInfo.InvariantCulture));
                first.Set();
            }
        };
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();
        try
        {
            bool started = first.Wait(limit);
            Assert.True(started, $"the writer reported no checkpoint within {limit.TotalSeconds:F0} s");
            Thread.Sleep(delayMs);
        }
        finally
        {
            child.Kill(entireProcessTree: true);
            child.WaitForExit();
        }
        // Output already read may lag the kill by one line: the file then holds reported + 1, which the caller accepts.
        return Volatile.Read(ref reported);
    }

    private static string DotnetHost()
    {
        string? self = Environment.ProcessPath;
        return self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }
}
