using BenchmarkDotNet.Attributes;
using RnnEngine.Engine;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Benchmarks;

/// <summary>
/// Base of the sequence-op benchmarks: one recurrent layer's <c>Forward</c> and <c>Backward</c> over a whole window of
/// peer config (a) or (c), exactly the op the layers call, on each backend this machine has: "cpu-1", "cpu-2" (threads)
/// and "cuda" where a GPU is usable (the ILGPU simulator is a verification device, too slow to time). GFLOP/s counts the
/// GEMM flops of the op (forward: [x | h] against [W_ih | W_hh], 2 T B G (F + H); backward twice that, dx and dh plus the
/// weight gradients), the pointwise cell work 0.
/// </summary>
[Config(typeof(CpuBenchmarkConfig))]
public abstract class SequenceBenchmark(int gateBlocks) : IWorkload
{
    [Params("a", "c")]
    public string Config { get; set; } = "a";

    [ParamsSource(nameof(Backends))]
    public string Backend { get; set; } = "cpu-1";

    public static IEnumerable<string> Backends() => Devices.CudaAvailable ? ["cpu-1", "cpu-2", "cuda"] : ["cpu-1", "cpu-2"];

    public int Threads => Backend == "cpu-2" ? 2 : 1;

    protected PeerShape Shape => PeerShape.Of(Config);
    protected Backend Device { get; private set; } = null!;
    protected RecurrentLayer Weights { get; private set; }
    protected RecurrentLayer Grads { get; private set; }
    protected Tensor X { get; private set; } = null!;
    protected Tensor Gates { get; private set; } = null!;
    protected Tensor Hs { get; private set; } = null!;
    protected Tensor Dy { get; private set; } = null!;
    protected Tensor Dx { get; private set; } = null!;

    private readonly List<Tensor> owned = [];
    private RandomTensors random = null!;

    public double Flops(string method)
    {
        var s = Shape;
        double forward = 2.0 * s.Window * s.Batch * gateBlocks * s.Hidden * (s.Features + s.Hidden);
        return method == "Backward" ? 2 * forward : forward;
    }

    public double Bytes(string method) => 0;

    [GlobalSetup]
    public void Setup()
    {
        Device = Backend == "cuda" ? Devices.Create("cuda") : new CpuBackend(Threads);
        random = new RandomTensors(Device);
        var s = Shape;
        int g = gateBlocks * s.Hidden, n = s.Window * s.Batch;
        // PyTorch's init bound 1/sqrt(H): the forward runs from the same h0 every call, so nothing feeds back.
        float bound = 1f / MathF.Sqrt(s.Hidden);
        Weights = new RecurrentLayer(Random(bound, g, s.Features), Random(bound, g, s.Hidden), Random(bound, g), Random(bound, g));
        Grads = new RecurrentLayer(Zeros(g, s.Features), Zeros(g, s.Hidden), Zeros(g), Zeros(g));
        X = Random(1f, n, s.Features);
        Gates = Zeros(n, 4 * s.Hidden);
        Hs = Zeros(n + s.Batch, s.Hidden);
        Dy = Random(0.5f, n, s.Hidden);
        Dx = Zeros(n, s.Features);
        Prepare();
        Forward();  // the backward reads what the forward saved
        Device.Synchronize();
    }

    /// <summary>The cell's own tensors (through <see cref="Random"/> and <see cref="Zeros"/>).</summary>
    protected abstract void Prepare();

    public abstract void Forward();

    public abstract void Backward();

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var t in owned) t.Dispose();
        owned.Clear();
        Device.Dispose();
    }

    protected Tensor Random(float scale, params int[] shape) => Own(random.Make(scale, shape));
    protected Tensor Zeros(params int[] shape) => Own(Device.Zeros(shape));

    private Tensor Own(Tensor t)
    {
        owned.Add(t);
        return t;
    }
}

/// <summary><see cref="Backend.LstmSequenceForward"/> / <see cref="Backend.LstmSequenceBackward"/> of one layer (no peepholes).</summary>
public class LstmSequenceBenchmarks() : SequenceBenchmark(gateBlocks: 4)
{
    private Tensor cs = null!, dGates = null!;

    protected override void Prepare()
    {
        var s = Shape;
        cs = Zeros(s.Window * s.Batch + s.Batch, s.Hidden);
        dGates = Zeros(s.Window * s.Batch, 4 * s.Hidden);
    }

    [Benchmark]
    public override void Forward()
    {
        Device.LstmSequenceForward(Shape.Window, X, Weights, Gates, Hs, cs);
        Device.Synchronize();
    }

    [Benchmark]
    public override void Backward()
    {
        Device.LstmSequenceBackward(Shape.Window, X, Weights, Gates, Hs, cs, Dy, null, null, dGates, Dx, null, null, Grads);
        Device.Synchronize();
    }
}

/// <summary><see cref="Backend.GruSequenceForward"/> / <see cref="Backend.GruSequenceBackward"/> of one layer.</summary>
public class GruSequenceBenchmarks() : SequenceBenchmark(gateBlocks: 3)
{
    private Tensor dgx = null!, dgh = null!;

    protected override void Prepare()
    {
        var s = Shape;
        dgx = Zeros(s.Window * s.Batch, 3 * s.Hidden);
        dgh = Zeros(s.Window * s.Batch, 3 * s.Hidden);
    }

    [Benchmark]
    public override void Forward()
    {
        Device.GruSequenceForward(Shape.Window, X, Weights, Gates, Hs);
        Device.Synchronize();
    }

    [Benchmark]
    public override void Backward()
    {
        Device.GruSequenceBackward(Shape.Window, X, Weights, Gates, Hs, Dy, null, dgx, dgh, Dx, null, Grads);
        Device.Synchronize();
    }
}
