using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using RnnEngine.Engine;
using RnnEngine.Engine.Layers;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Benchmarks;

/// <summary>
/// One LSTM layer forward + backward over peer config (a): F 25, T 100, H 64, B 64 on cpu. The "GEMM GFLOP/s" column
/// divides the layer's GEMM flops by its median time; comparing it with GemmBenchmarks' rate on the step shapes says
/// how much the pointwise and bookkeeping work costs on top of the matrix work (2x the GEMM-flop time = half the rate).
/// </summary>
[Config(typeof(LstmBenchmarkConfig))]
public class LstmBenchmarks
{
    internal const int F = 25, T = 100, H = 64, B = 64;

    /// <summary>GEMM flops of forward + backward: input projection, recurrent step, and in backward dX, dW_ih, dh, dW_hh.</summary>
    internal const double GemmFlops = 3.0 * 2 * T * B * 4 * H * (F + H);

    [Params(1, 2)]
    public int Threads { get; set; }

    private CpuBackend backend = null!;
    private Lstm lstm = null!;
    private Tensor x = null!, y = null!, dy = null!, dx = null!;

    [GlobalSetup]
    public void Setup()
    {
        backend = new CpuBackend(Threads);
        lstm = new Lstm(backend, F, H, seed: 1);
        var rng = new Random(1);
        float[] Fill(int len) { var v = new float[len]; for (int i = 0; i < len; i++) v[i] = (float)(rng.NextDouble() - 0.5); return v; }
        x = backend.FromArray(Fill(T * B * F), T, B, F);
        y = backend.Zeros(T, B, H);
        dy = backend.FromArray(Fill(T * B * H), T, B, H);
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

public sealed class LstmBenchmarkConfig : ManualConfig
{
    public LstmBenchmarkConfig()
    {
        AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(15).WithLaunchCount(1)
            .WithToolchain(InProcessEmitToolchain.Instance).WithId("cpu"));
        AddColumn(StatisticColumn.Median);
        AddColumn(new LstmGemmRateColumn());
    }
}

/// <summary>The layer's GEMM flops over its median time.</summary>
public sealed class LstmGemmRateColumn : IColumn
{
    public string Id => "LstmGemmRate";
    public string ColumnName => "GEMM GFLOP/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "GEMM flops of forward + backward / median time";
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public bool IsAvailable(Summary summary) => true;
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var stats = summary[benchmarkCase]?.ResultStatistics;
        return stats is null ? "-" : $"{LstmBenchmarks.GemmFlops / stats.Median:F1}";
    }
}
