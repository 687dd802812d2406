using System.Runtime.Intrinsics;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

/// <summary>
/// The native backend: managed code with explicit <see cref="Vector512{T}"/> (with Vector256 and scalar fallbacks), work
/// split across <see cref="Threads"/> cores. Tensors are plain float arrays, so ops read them as spans without copies.
/// </summary>
public sealed partial class CpuBackend : Backend
{
    public CpuBackend(int threads = 0)
    {
        MaxThreads = threads > 0 ? threads : Environment.ProcessorCount;
        threadsInUse = MaxThreads;
        pool = new WorkerPool(MaxThreads);
        forAdapter = new ForAdapter();
    }

    private readonly WorkerPool pool;
    private readonly ForAdapter forAdapter;

    public override string Name => "cpu";

    /// <summary>The threads of this backend's pool, the caller included.</summary>
    public int MaxThreads { get; }

    private int threadsInUse;

    /// <summary>
    /// Threads an op may use, 1 (run on the caller only) to <see cref="MaxThreads"/>; settable between ops, so one model
    /// can train on one core and score on two where that is faster. With 1 the pool's workers sleep and cost nothing.
    /// </summary>
    public int Threads
    {
        get => threadsInUse;
        set => threadsInUse = value >= 1 && value <= MaxThreads ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, $"cpu: threads must be in [1, {MaxThreads}]");
    }

    public static int SimdWidthBits =>
        Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : 32;

    public override DeviceInfo Info => new(Name, $"managed SIMD, {Threads} threads", GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
        Environment.ProcessorCount, SimdWidthBits);

    public override void Synchronize() { }

    protected override Tensor Allocate(int[] shape) =>
        new(this, shape, new float[Tensor.Count(shape)], null, 0, owns: true);

    internal override void Upload(Tensor destination, ReadOnlySpan<float> source) => source.CopyTo(destination.Span);

    internal override void Download(Tensor source, Span<float> destination) => source.Span.CopyTo(destination);

    public override void Dispose()
    {
        pool.Dispose();
        DisposeScratch();
        FreeGemmScratch();
        FreeSweepScratch();
    }

    /// <summary>Runs body(i) for i in [0, count) on up to <see cref="Threads"/> threads (the persistent <see cref="WorkerPool"/>).</summary>
    internal void ParallelFor(int count, Action<int> body)
    {
        if (count <= 1 || Threads <= 1)
        {
            for (int i = 0; i < count; i++) body(i);
            return;
        }
        // A few contiguous chunks per thread: balance under a noisy neighbour without a claim per index.
        int parts = Math.Min(count, Threads * 4);
        if (!forAdapter.TryEnter(body, count, parts))
        {
            for (int i = 0; i < count; i++) body(i);  // nested or concurrent call: the pool is taken
            return;
        }
        try { pool.Run(forAdapter, parts); }
        finally { forAdapter.Exit(); }
    }

    /// <summary>Runs work.Execute(part) for part in [0, parts) on the worker pool.</summary>
    internal void RunParallel(IParallelWork work, int parts) => pool.Run(work, parts);

    /// <summary>Presents ParallelFor's body as pool work: part p runs a contiguous range of indices.</summary>
    private sealed class ForAdapter : IParallelWork
    {
        private Action<int>? body;
        private int count, parts, inUse;

        public bool TryEnter(Action<int> b, int c, int p)
        {
            if (Interlocked.CompareExchange(ref inUse, 1, 0) != 0) return false;
            body = b; count = c; parts = p;
            return true;
        }

        public void Exit()
        {
            body = null;
            Volatile.Write(ref inUse, 0);
        }

        public void Execute(int part)
        {
            int start = (int)((long)count * part / parts), end = (int)((long)count * (part + 1) / parts);
            for (int i = start; i < end; i++) body!(i);
        }
    }
}
