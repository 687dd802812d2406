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
/// The work one call of a benchmark method does, computed from the benchmark's parameters alone (no setup), so that
/// <see cref="RateColumn"/> can turn the median time into GFLOP/s, % of peak and GB/s for every benchmark class.
/// </summary>
public interface IWorkload
{
    /// <summary>Cores the method may use: the peak column divides by FMA peak per core times this.</summary>
    int Threads { get; }

    /// <summary>Counted flops of one call of <paramref name="method"/> (an FMA counts as 2).</summary>
    double Flops(string method);

    /// <summary>Bytes one call must move to or from memory at least (each array read or written once); 0 = not reported.</summary>
    double Bytes(string method);
}

/// <summary>
/// The job every benchmark class here uses. Short runs: the shared 2-core machine is noisy, so many short samples and
/// the median say more than long ones. In-process: a generated benchmark project would cost minutes of building per
/// run on a 2-core machine.
/// </summary>
public sealed class CpuBenchmarkConfig : ManualConfig
{
    public CpuBenchmarkConfig()
    {
        AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(15).WithLaunchCount(1)
            .WithToolchain(InProcessEmitToolchain.Instance).WithId("cpu"));
        AddColumn(StatisticColumn.Median);
        AddColumn(new RateColumn(RateKind.Gflops), new RateColumn(RateKind.PercentOfPeak), new RateColumn(RateKind.GBps));
    }
}

public enum RateKind { Gflops, PercentOfPeak, GBps }

/// <summary>GFLOP/s, % of the FMA peak of the cores used, or GB/s, from <see cref="IWorkload"/> over the median time.</summary>
public sealed class RateColumn(RateKind kind) : IColumn
{
    public string Id => "Rate" + kind;
    public string ColumnName => kind switch
    {
        RateKind.Gflops => "GFLOP/s",
        RateKind.PercentOfPeak => $"% of peak ({FmaPeak.GflopsPerCore:F0}/core)",
        _ => "GB/s",
    };
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => (int)kind;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => kind switch
    {
        RateKind.Gflops => "counted flops of one call / median time (what is counted: see each benchmark class)",
        RateKind.PercentOfPeak => "GFLOP/s over (FMA peak per core, measured at startup by FmaPeak) x threads",
        _ => "minimum bytes moved by one call / median time",
    };

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public bool IsAvailable(Summary summary) => true;
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var stats = summary[benchmarkCase]?.ResultStatistics;
        if (stats is null || Workload(benchmarkCase) is not { } work) return "-";
        string method = benchmarkCase.Descriptor.WorkloadMethod.Name;
        double gflops = work.Flops(method) / stats.Median;  // flops per ns = GFLOP/s
        double bytes = work.Bytes(method);
        return kind switch
        {
            RateKind.Gflops => $"{gflops:F1}",
            RateKind.PercentOfPeak => $"{100 * gflops / (FmaPeak.GflopsPerCore * work.Threads):F0}%",
            _ => bytes > 0 ? $"{bytes / stats.Median:F1}" : "-",
        };
    }

    // A fresh instance with the case's parameters set: the workload depends on them only, so no setup runs here.
    private static IWorkload? Workload(BenchmarkCase benchmarkCase)
    {
        var type = benchmarkCase.Descriptor.Type;
        if (Activator.CreateInstance(type) is not IWorkload work) return null;
        foreach (var p in benchmarkCase.Parameters.Items) type.GetProperty(p.Name)?.SetValue(work, p.Value);
        return work;
    }
}

/// <summary>Shapes of the peer configs the per-step benchmarks use (Lab/Bench/BenchConfig, shared/checks/06).</summary>
public readonly record struct PeerShape(int Features, int Window, int Hidden, int Batch)
{
    /// <summary>(a): F 25, T 100, H 64, B 64. (c): F 51, T 60, H 128, B 128 (two layers; the step shapes are the same).</summary>
    public static PeerShape Of(string name) => name switch
    {
        "a" => new(25, 100, 64, 64),
        "c" => new(51, 60, 128, 128),
        _ => throw new ArgumentException($"unknown peer config '{name}' (a or c)"),
    };
}

/// <summary>Tensors of uniform values in [-scale, scale), from one seeded generator per benchmark.</summary>
public sealed class RandomTensors(Backend backend, int seed = 1)
{
    private readonly Random rng = new(seed);

    public Tensor Make(float scale, params int[] shape)
    {
        int length = 1;
        foreach (int d in shape) length *= d;
        var v = new float[length];
        for (int i = 0; i < length; i++) v[i] = scale * (float)(2 * rng.NextDouble() - 1);
        return backend.FromArray(v, shape);
    }
}
