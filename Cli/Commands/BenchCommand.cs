using System.Diagnostics;
using System.Globalization;
using RnnEngine.Engine;

namespace RnnEngine.Cli.Commands;

/// <summary>
/// `rnnengine bench gemm`: median time of one GEMM shape as a JSON line. `rnnengine bench --arch ...` (no target): the
/// peer workload end to end (see BenchCommand.Peer.cs).
/// </summary>
public static partial class BenchCommand
{
    public static int Run(CommandArgs args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Positional.Count == 0) return Peer(args, stdout, stderr);
        string what = args.Positional[0];
        return what switch
        {
            "gemm" => Gemm(args, stdout, stderr),
            _ => throw new UsageException($"unknown bench target '{what}'"),
        };
    }

    private static int Gemm(CommandArgs args, TextWriter stdout, TextWriter stderr)
    {
        int m = args.Int("m", 1024, 1), n = args.Int("n", 1024, 1), k = args.Int("k", 1024, 1);
        string device = args.String("device", "auto");
        int threads = args.Int("threads", 0, 0, 256);
        int repeats = args.Int("repeats", 0, 0, 100_000);
        args.EnsureAllUsed();

        using var backend = Devices.Create(device, threads);
        var rng = new Random(1);
        float[] Fill(int len) { var v = new float[len]; for (int i = 0; i < len; i++) v[i] = (float)(rng.NextDouble() - 0.5); return v; }
        using var a = backend.FromArray(Fill(m * k), m, k);
        using var b = backend.FromArray(Fill(k * n), k, n);
        using var c = backend.Zeros(m, n);

        double flops = 2.0 * m * n * k;
        // Enough repeats for ~1 s of work (at least 7), after a warm-up that also compiles kernels.
        for (int w = 0; w < 3; w++) backend.Gemm(false, false, 1f, a, b, 0f, c);
        backend.Synchronize();
        var probe = Stopwatch.StartNew();
        backend.Gemm(false, false, 1f, a, b, 0f, c);
        backend.Synchronize();
        if (repeats == 0) repeats = (int)Math.Clamp(1.0 / Math.Max(probe.Elapsed.TotalSeconds, 1e-6), 7, 2000);

        var times = new double[repeats];
        for (int r = 0; r < repeats; r++)
        {
            var sw = Stopwatch.StartNew();
            backend.Gemm(false, false, 1f, a, b, 0f, c);
            backend.Synchronize();
            times[r] = sw.Elapsed.TotalMilliseconds;
        }
        Array.Sort(times);
        double ms = times[repeats / 2];
        int usedThreads = backend is CpuBackend cpu ? cpu.Threads : 0;
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"op\":\"gemm\",\"m\":{m},\"n\":{n},\"k\":{k},\"device\":\"{backend.Name}\",\"threads\":{usedThreads},\"ms\":{ms:F4},\"gflops\":{flops / ms / 1e6:F2},\"repeats\":{repeats}}}"));
        return 0;
    }
}
