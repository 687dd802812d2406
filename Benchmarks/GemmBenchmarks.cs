using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using RnnEngine.Engine;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Benchmarks;

/// <summary>
/// C = A * B on the cpu backend with 1 and 2 threads: square sizes and the LSTM-step shapes [B, H] x [H, 4H]
/// (M = batch, N = 4H gates, K = H or F + H).
/// </summary>
[Config(typeof(GemmBenchmarkConfig))]
public class GemmBenchmarks
{
    public static IEnumerable<string> Shapes =>
        ["256x256x256", "512x512x512", "1024x1024x1024", "64x256x64", "64x256x256", "128x512x128", "64x1024x256"];

    [ParamsSource(nameof(Shapes))]
    public string Shape { get; set; } = "";

    [Params(1, 2)]
    public int Threads { get; set; }

    private CpuBackend backend = null!;
    private Tensor a = null!, b = null!, c = null!;

    [GlobalSetup]
    public void Setup()
    {
        var (m, n, k) = Parse(Shape);
        backend = new CpuBackend(Threads);
        var rng = new Random(1);
        float[] Fill(int len) { var v = new float[len]; for (int i = 0; i < len; i++) v[i] = (float)(rng.NextDouble() - 0.5); return v; }
        a = backend.FromArray(Fill(m * k), m, k);
        b = backend.FromArray(Fill(k * n), k, n);
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

    internal static (int M, int N, int K) Parse(string shape)
    {
        var p = shape.Split('x');
        return (int.Parse(p[0]), int.Parse(p[1]), int.Parse(p[2]));
    }
}

public sealed class GemmBenchmarkConfig : ManualConfig
{
    public GemmBenchmarkConfig()
    {
        // Short runs: the shared 2-core machine is noisy, so many short samples and the median say more than long ones.
        // In-process: a generated benchmark project would cost minutes of building per run on a 2-core machine.
        AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(15).WithLaunchCount(1)
            .WithToolchain(InProcessEmitToolchain.Instance).WithId("cpu"));
        AddColumn(StatisticColumn.Median);
        AddColumn(new GemmRateColumn(percentOfPeak: false));
        AddColumn(new GemmRateColumn(percentOfPeak: true));
    }
}

/// <summary>GFLOP/s (2MNK / median time) or that rate as a percentage of the FMA peak of the cores used.</summary>
public sealed class GemmRateColumn(bool percentOfPeak) : IColumn
{
    public string Id => percentOfPeak ? "PercentOfPeak" : "Gflops";
    public string ColumnName => percentOfPeak ? $"% of peak ({FmaPeak.GflopsPerCore:F0}/core)" : "GFLOP/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => percentOfPeak ? 1 : 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => percentOfPeak
        ? "GFLOP/s over (FMA peak per core, measured at startup by FmaPeak) x threads"
        : "2*M*N*K / median time";

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public bool IsAvailable(Summary summary) => true;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
        GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var stats = summary[benchmarkCase]?.ResultStatistics;
        if (stats is null) return "-";
        var (m, n, k) = GemmBenchmarks.Parse((string)benchmarkCase.Parameters["Shape"]);
        int threads = (int)benchmarkCase.Parameters["Threads"];
        double gflops = 2.0 * m * n * k / stats.Median;  // flops per ns = GFLOP/s
        return percentOfPeak ? $"{100 * gflops / (FmaPeak.GflopsPerCore * threads):F0}%" : $"{gflops:F1}";
    }
}
