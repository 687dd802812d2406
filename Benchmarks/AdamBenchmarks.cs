using BenchmarkDotNet.Attributes;
using RnnEngine.Engine;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Benchmarks;

/// <summary>
/// One Adam update (Engine/Ops/OptimizerUpdates, the cpu op runs on one thread) over N parameters: 48,217 = the
/// a-lstm model (value, grad, m, v: 771 KB, inside L2) and 456,115 = the c-lstm model (7.3 MB, from L3). Memory bound:
/// GB/s counts 28 bytes per element (value, grad, m, v read; value, m, v written); GFLOP/s counts the 16 arithmetic
/// operations per element of the vector loop (g 3, m 3, v 4, the update 6 including sqrt and the division).
/// </summary>
[Config(typeof(CpuBenchmarkConfig))]
public class AdamBenchmarks : IWorkload
{
    [Params(48_217, 456_115)]
    public int N { get; set; } = 1;

    public int Threads => 1;

    private CpuBackend backend = null!;
    private Tensor value = null!, grad = null!, m = null!, v = null!;

    public double Flops(string method) => 16.0 * N;
    public double Bytes(string method) => 28.0 * N;

    [GlobalSetup]
    public void Setup()
    {
        backend = new CpuBackend(1);
        var random = new RandomTensors(backend);
        value = random.Make(0.1f, N);
        grad = random.Make(0.01f, N);
        m = backend.Zeros(N);
        v = backend.Zeros(N);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        value.Dispose(); grad.Dispose(); m.Dispose(); v.Dispose();
        backend.Dispose();
    }

    // A fixed step count: the bias corrections are host-side constants, so the step number does not change the work.
    [Benchmark]
    public void Update() => backend.AdamUpdate(value, grad, m, v, 1e-3f, 0.9f, 0.999f, 1e-8f, step: 10);
}
