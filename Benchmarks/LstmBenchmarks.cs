using BenchmarkDotNet.Attributes;
using RnnEngine.Engine;
using RnnEngine.Engine.Layers;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Benchmarks;

/// <summary>
/// One LSTM layer forward + backward over peer config (a): F 25, T 100, H 64, B 64 on cpu. GFLOP/s counts the layer's
/// GEMM flops only (the pointwise cell work counts 0): comparing it with GemmBenchmarks' rate on the step shapes says
/// how much the pointwise and bookkeeping work costs on top of the matrix work (2x the GEMM-flop time = half the rate).
/// </summary>
[Config(typeof(CpuBenchmarkConfig))]
public class LstmBenchmarks : IWorkload
{
    internal const int F = 25, T = 100, H = 64, B = 64;

    /// <summary>GEMM flops of forward + backward: input projection, recurrent step, and in backward dX, dW_ih, dh, dW_hh.</summary>
    internal const double GemmFlops = 3.0 * 2 * T * B * 4 * H * (F + H);

    [Params(1, 2)]
    public int Threads { get; set; }

    private CpuBackend backend = null!;
    private Lstm lstm = null!;
    private Tensor x = null!, y = null!, dy = null!, dx = null!;

    public double Flops(string method) => GemmFlops;

    public double Bytes(string method) => 0;

    [GlobalSetup]
    public void Setup()
    {
        backend = new CpuBackend(Threads);
        lstm = new Lstm(backend, F, H, seed: 1);
        var random = new RandomTensors(backend);
        x = random.Make(0.5f, T, B, F);
        y = backend.Zeros(T, B, H);
        dy = random.Make(0.5f, T, B, H);
        dx = backend.Zeros(T, B, F);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        x.Dispose(); y.Dispose(); dy.Dispose(); dx.Dispose();
        lstm.Dispose();
        backend.Dispose();
    }

    [Benchmark]
    public void ForwardBackward()
    {
        lstm.Forward(x, null, null, y, null, null, training: true);
        lstm.Backward(dy, null, null, dx, null, null);
    }
}
