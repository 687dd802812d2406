using BenchmarkDotNet.Attributes;
using RnnEngine.Engine;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Benchmarks;

/// <summary>
/// Base of the per-time-step benchmarks (GRU, LSTM, attention): peer config (a) or (c) shapes, 1 or 2 threads, a cpu
/// backend, and the tensors and layers to dispose. A step runs thousands of times per measurement, so its inputs are
/// chosen to stay bounded when the step's outputs feed back into its inputs (small recurrent weights, as the
/// benchmark cannot afford to reset them every call).
/// </summary>
[Config(typeof(CpuBenchmarkConfig))]
public abstract class StepBenchmark : IWorkload
{
    [Params("a", "c")]
    public string Config { get; set; } = "a";

    [Params(1, 2)]
    public int Threads { get; set; } = 1;

    protected PeerShape Shape => PeerShape.Of(Config);
    protected CpuBackend Backend { get; private set; } = null!;

    private RandomTensors random = null!;
    private readonly List<IDisposable> owned = [];

    public abstract double Flops(string method);
    public virtual double Bytes(string method) => 0;

    [GlobalSetup]
    public void Setup()
    {
        Backend = new CpuBackend(Threads);
        random = new RandomTensors(Backend);
        Prepare();
    }

    /// <summary>Allocates the step's tensors (through <see cref="Random"/>, <see cref="Zeros"/>, <see cref="Own"/>).</summary>
    protected abstract void Prepare();

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var d in owned) d.Dispose();
        owned.Clear();
        Backend.Dispose();
    }

    protected T Own<T>(T disposable) where T : IDisposable
    {
        owned.Add(disposable);
        return disposable;
    }

    protected Tensor Random(float scale, params int[] shape) => Own(random.Make(scale, shape));
    protected Tensor Zeros(params int[] shape) => Own(Backend.Zeros(shape));
}
