using System.CommandLine;
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
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        Command bench = BuildPeer(stdout, stderr);
        var m = Opt.Int("--m", 1024, 1, 1 << 20, "rows of A and C");
        var n = Opt.Int("--n", 1024, 1, 1 << 20, "columns of B and C");
        var k = Opt.Int("--k", 1024, 1, 1 << 20, "columns of A, rows of B");
        var device = Opt.Device();
        var threads = Opt.Threads();
        var repeats = Opt.Int("--repeats", 0, 0, 100_000, "timed repeats (0: enough for about 1 s, at least 7)");
        var check = Opt.Flag("--check", "also compare sampled entries with a float64 dot product (exit 1 beyond k * 1.2e-7)");
        var gemm = new Command("gemm", "median time of one GEMM C = A B as a JSON line (ms, GFLOP/s)") { m, n, k, device, threads, repeats, check };
        gemm.SetAction(p => Gemm(p.GetValue(m), p.GetValue(n), p.GetValue(k), p.GetValue(device)!, p.GetValue(threads), p.GetValue(repeats),
            p.GetValue(check), stdout));
        bench.Subcommands.Add(gemm);
        return bench;
    }

    private static int Gemm(int m, int n, int k, string device, int threads, int repeats, bool check, TextWriter stdout)
    {

        using var backend = Devices.Create(device, threads);
        var rng = new Random(1);
        float[] Fill(int len) { var v = new float[len]; for (int i = 0; i < len; i++) v[i] = (float)(rng.NextDouble() - 0.5); return v; }
        float[] aHost = Fill(m * k), bHost = Fill(k * n);
        using var a = backend.FromArray(aHost, m, k);
        using var b = backend.FromArray(bHost, k, n);
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
        string checkField = "";
        bool pass = true;
        if (check)
        {
            double err = SampledGemmError(aHost, bHost, c.ToArray(), m, n, k);
            // gamma_k = k * eps bounds the rounding of a k-term fp32 dot product relative to sum |a||b|; a wrong tile
            // or index gives errors of order 1.
            double bound = Math.Max(k, 8) * 1.2e-7;
            pass = err <= bound;
            checkField = string.Create(CultureInfo.InvariantCulture, $",\"max_scaled_err\":{err:E3},\"check\":\"{(pass ? "pass" : "FAIL")}\"");
        }
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"op\":\"gemm\",\"m\":{m},\"n\":{n},\"k\":{k},\"device\":\"{backend.Name}\",\"threads\":{usedThreads},\"ms\":{ms:F4},\"gflops\":{flops / ms / 1e6:F2},\"repeats\":{repeats}{checkField}}}"));
        return pass ? 0 : 1;
    }

    /// <summary>
    /// Largest |c - ref| / sum_p |a_ip b_pj| over up to 4096 entries (every corner and edge of the output among them)
    /// against a float64 dot product: the whole product in float64 would take longer than the benchmark.
    /// </summary>
    private static double SampledGemmError(float[] a, float[] b, float[] c, int m, int n, int k)
    {
        var rng = new Random(2);
        double worst = 0;
        for (int s = 0; s < 4096; s++)
        {
            int i = s < 4 ? (s & 1) * (m - 1) : rng.Next(m), j = s < 4 ? (s >> 1) * (n - 1) : rng.Next(n);
            if (s % 64 == 5) i = m - 1 - rng.Next(Math.Min(m, 70));
            if (s % 64 == 6) j = n - 1 - rng.Next(Math.Min(n, 70));
            double dot = 0, scale = 0;
            for (int p = 0; p < k; p++)
            {
                double t = (double)a[i * k + p] * b[p * n + j];
                dot += t;
                scale += Math.Abs(t);
            }
            worst = Math.Max(worst, Math.Abs(c[i * n + j] - dot) / Math.Max(scale, 1e-30));
        }
        return worst;
    }
}
