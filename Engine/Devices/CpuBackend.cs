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
        Threads = threads > 0 ? threads : Environment.ProcessorCount;
    }

    public override string Name => "cpu";

    /// <summary>Worker threads an op may use (1 = run on the caller only).</summary>
    public int Threads { get; }

    public static int SimdWidthBits =>
        Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : 32;

    public override DeviceInfo Info => new(Name, $"managed SIMD, {Threads} threads", GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
        Environment.ProcessorCount, SimdWidthBits);

    public override void Synchronize() { }

    protected override Tensor Allocate(int[] shape) =>
        new(this, shape, new float[Tensor.Count(shape)], null, 0, owns: true);

    internal override void Upload(Tensor destination, ReadOnlySpan<float> source) => source.CopyTo(destination.Span);

    internal override void Download(Tensor source, Span<float> destination) => source.Span.CopyTo(destination);

    public override void Dispose() { }

    /// <summary>Runs body(i) for i in [0, count) on up to <see cref="Threads"/> threads.</summary>
    internal void ParallelFor(int count, Action<int> body)
    {
        if (count <= 1 || Threads <= 1)
        {
            for (int i = 0; i < count; i++) body(i);
            return;
        }
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = Threads }, body);
    }
}
