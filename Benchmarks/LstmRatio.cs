using System.Diagnostics;
using RnnEngine.Engine;
using RnnEngine.Engine.Layers;

namespace RnnEngine.Benchmarks;

/// <summary>
/// `RnnEngine.Benchmarks.dll --lstm-ratio [rounds]`: the LstmBenchmarks workload (one LSTM layer forward + backward,
/// config (a)) and the GEMM step shapes of GemmBenchmarks, interleaved round by round in one process on 1 and 2 threads,
/// so both see the same machine load. Prints the medians (and the fastest samples) and the ratio layer time / time of
/// its GEMM flops at each shape's rate. A quick check beside the BenchmarkDotNet tables, not a replacement for them.
/// </summary>
internal static class LstmRatio
{
    public static void Run(int rounds)
    {
        const int f = LstmBenchmarks.F, t = LstmBenchmarks.T, h = LstmBenchmarks.H, b = LstmBenchmarks.B;
        var shapes = new (int M, int N, int K)[] { (64, 256, 64), (64, 256, 256), (128, 512, 128), (64, 1024, 256) };
        foreach (int threads in new[] { 1, 2 })
        {
            using var be = new CpuBackend(threads);
            var random = new RandomTensors(be);
            using var lstm = new Lstm(be, f, h, seed: 1);
            using var x = random.Make(0.5f, t, b, f);
            using var y = be.Zeros(t, b, h);
            using var dy = random.Make(0.5f, t, b, h);
            using var dx = be.Zeros(t, b, f);
            var ga = shapes.Select(s => random.Make(0.5f, s.M, s.K)).ToArray();
            var gb = shapes.Select(s => random.Make(0.5f, s.K, s.N)).ToArray();
            var gc = shapes.Select(s => be.Zeros(s.M, s.N)).ToArray();
            var layerMs = new List<double>();
            var gemmMs = shapes.Select(_ => new List<double>()).ToArray();
            for (int round = 0; round < rounds + 2; round++)  // two warm-up rounds
            {
                for (int rep = 0; rep < 5; rep++)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    lstm.Forward(x, null, null, y, null, null, training: true);
                    lstm.Backward(dy, null, null, dx, null, null);
                    if (round >= 2) layerMs.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                }
                for (int s = 0; s < shapes.Length; s++)
                {
                    int calls = (int)Math.Max(1, 1e8 / (2.0 * shapes[s].M * shapes[s].N * shapes[s].K));
                    for (int rep = 0; rep < 5; rep++)
                    {
                        long t0 = Stopwatch.GetTimestamp();
                        for (int c = 0; c < calls; c++) be.Gemm(false, false, 1f, ga[s], gb[s], 0f, gc[s]);
                        if (round >= 2) gemmMs[s].Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds / calls);
                    }
                }
            }
            foreach (var tensor in ga.Concat(gb).Concat(gc)) tensor.Dispose();
            double layerMed = Median(layerMs), layerRate = LstmBenchmarks.GemmFlops / layerMed / 1e6;
            Console.WriteLine($"threads {threads}: LSTM fwd+bwd median {layerMed:F2} ms (fastest {layerMs.Min():F2}) = {layerRate:F1} GEMM GFLOP/s");
            for (int s = 0; s < shapes.Length; s++)
            {
                double flops = 2.0 * shapes[s].M * shapes[s].N * shapes[s].K, rate = flops / Median(gemmMs[s]) / 1e6;
                double fastest = flops / gemmMs[s].Min() / 1e6, layerFastest = LstmBenchmarks.GemmFlops / layerMs.Min() / 1e6;
                Console.WriteLine($"  gemm {shapes[s].M}x{shapes[s].N}x{shapes[s].K}: median {rate:F1} GFLOP/s (fastest {fastest:F1});"
                    + $" layer time / GEMM-flop time {rate / layerRate:F2}x (medians), {fastest / layerFastest:F2}x (fastest)");
            }
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}
