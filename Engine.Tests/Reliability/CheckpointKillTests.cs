using System.Diagnostics;
using System.Globalization;
using RnnEngine.Models.Checkpoint;
using Xunit;
using Xunit.Abstractions;

namespace RnnEngine.Engine.Tests.Reliability;

/// <summary>
/// Kills a child process that saves checkpoints in a loop (`rnnengine __write-checkpoints`) at random moments, 20
/// times (4 writers side by side on their own files, 5 kills each), and checks the file left behind always loads
/// whole: the last checkpoint the child reported, or the one it was writing. Every checkpoint's values all equal its
/// number k, so a mix of two writes cannot pass.
/// </summary>
public sealed class CheckpointKillTests(ITestOutputHelper output)
{
    private const int Kills = 20;
    /// <summary>Writers running side by side, each on its own file: 4 lanes of 5 kills keep the test short on 2 cores.</summary>
    private const int Lanes = 4;

    [Fact]
    public async Task KilledWriterLeavesTheOldOrTheNewCheckpoint()
    {
        string cli = Path.Combine(AppContext.BaseDirectory, "rnnengine.dll");
        Assert.True(File.Exists(cli), $"{cli} not found beside the tests");
        string dir = Directory.CreateTempSubdirectory("rnnengine-kill-").FullName;
        var rng = new Random(20261125);
        int[][] delays = Enumerable.Range(0, Lanes).Select(_ => Enumerable.Range(0, Kills / Lanes).Select(_ => rng.Next(0, 40)).ToArray()).ToArray();
        var total = Stopwatch.StartNew();
        // Bounded on a slow machine: every wait for a child ends by this deadline.
        TimeSpan budget = TimeSpan.FromSeconds(50);
        try
        {
            // Dedicated threads (LongRunning): lanes block, and on the thread pool they would delay the output events.
            Task<List<(int Reported, int Loaded)>>[] lanes = Enumerable.Range(0, Lanes).Select(lane => Task.Factory.StartNew(() =>
            {
                string path = Path.Combine(dir, $"model-{lane}.safetensors");
                var loaded = new List<(int Reported, int Loaded)>();
                foreach (int delay in delays[lane])
                {
                    TimeSpan left = budget - total.Elapsed;
                    Assert.True(left > TimeSpan.Zero, $"lane {lane}: only {loaded.Count} of {Kills / Lanes} kills in {budget.TotalSeconds} s");
                    int reported = RunAndKill(cli, path, delay, left);
                    ModelCheckpoint c = ModelCheckpoint.Load(path);
                    int k = int.Parse(c.ConfigJson.Trim('{', '}').Split(':')[1], CultureInfo.InvariantCulture);
                    Assert.True(k == reported || k == reported + 1, $"lane {lane}, kill {loaded.Count}: last reported write {reported}, file holds {k}");
                    foreach (var p in c.Parameters) Assert.All(p.Data, v => Assert.Equal(k, v));
                    loaded.Add((reported, k));
                }
                return loaded;
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
            var all = (await Task.WhenAll(lanes)).SelectMany(l => l).ToList();
            Assert.Equal(Kills, all.Count);
            // A killed write leaves its temp file; the next writer's first save deletes those of dead processes, so at
            // most the last kill's remains beside each file.
            int temps = Directory.GetFiles(dir).Length - Lanes;
            Assert.True(temps <= Lanes, $"{temps} temp files left beside {Lanes} checkpoints");
            output.WriteLine($"{Kills} kills in {total.Elapsed.TotalSeconds:F1} s; file held the reported write {all.Count(l => l.Loaded == l.Reported)} times, "
                + $"the next (killed after the rename, before the report) {all.Count(l => l.Loaded != l.Reported)} times; "
                + $"writes per child {string.Join(' ', all.Select(l => l.Loaded))}; {temps} temp files left");
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
