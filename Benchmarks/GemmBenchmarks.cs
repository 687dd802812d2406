using BenchmarkDotNet.Attributes;
using RnnEngine.Engine;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Benchmarks;

/// <summary>
/// C = A * B on the cpu backend with 1 and 2 threads: square sizes and the LSTM-step shapes [B, H] x [H, 4H]
/// (M = batch, N = 4H gates, K = H or F + H). Flops: 2MNK.
/// </summary>
[Config(typeof(CpuBenchmarkConfig))]
public class GemmBenchmarks : IWorkload
{
    public static IEnumerable<string> Shapes =>
        ["256x256x256", "512x512x512", "1024x1024x1024", "64x256x64", "64x256x256", "128x512x128", "64x1024x256"];

    [ParamsSource(nameof(Shapes))]
    public string Shape { get; set; } = "1x1x1";

    [Params(1, 2)]
    public int Threads { get; set; }

    private CpuBackend backend = null!;
    private Tensor a = null!, b = null!, c = null!;

    public double Flops(string method)
    {
        var (m, n, k) = Parse(Shape);
        return 2.0 * m * n * k;
    }

    // A and B read, C written once (a lower bound: the kernel re-reads its packed panels from cache).
    public double Bytes(string method)
    {
        var (m, n, k) = Parse(Shape);
        return 4.0 * (m * k + k * n + m * n);
    }

    [GlobalSetup]
    public void Setup()
    {
        var (m, n, k) = Parse(Shape);
        backend = new CpuBackend(Threads);
        var random = new RandomTensors(backend);
        a = random.Make(0.5f, m, k);
        b = random.Make(0.5f, k, n);
        c = backend.Zeros(m, n);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        a.Dispose(); b.Dispose(); c.Dispose();
        backend.Dispose();
    }

    [Benchmark]
    public void Gemm() => backend.Gemm(false, false, 1f, a, b, 0f, c);

    private static (int M, int N, int K) Parse(string shape)
    {
        var p = shape.Split('x');
        return (int.Parse(p[0]), int.Parse(p[1]), int.Parse(p[2]));
    }
}
