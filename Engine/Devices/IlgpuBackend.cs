using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

/// <summary>
/// The ILGPU backend: the same kernels run on an NVIDIA GPU ("cuda") or on ILGPU's CPU simulator ("ilgpu-cpu"), which
/// exists so every kernel is verified on machines without a GPU. Kernels are compiled on first use and cached per backend.
/// </summary>
public sealed partial class IlgpuBackend : Backend
{
    private readonly Context context;

    internal Accelerator Accelerator { get; }

    public override string Name { get; }

    private IlgpuBackend(string name, Context context, Accelerator accelerator)
    {
        Name = name;
        this.context = context;
        Accelerator = accelerator;
    }

    /// <summary>ILGPU's CPU simulator with a 32-wide warp, so warp-level kernels behave as on NVIDIA hardware.</summary>
    public static IlgpuBackend CreateSimulator()
    {
        // 32 threads per warp x 8 warps = 256 threads per group at most. One simulated multiprocessor: the simulator
        // runs one OS thread per simulated thread, and waiting threads spin, so more multiprocessors only add
        // hundreds of competing threads on a small machine without making the tiny verification kernels faster.
        var device = new CPUDevice(32, 8, 1);
        var context = Context.Create(b => b.CPU(device).EnableAlgorithms().Optimize(OptimizationLevel.O1));
        var accelerator = context.CreateCPUAccelerator(0, CPUAcceleratorMode.Parallel);
        return new IlgpuBackend("ilgpu-cpu", context, accelerator);
    }

    /// <summary>The first CUDA device, or null (with the reason) when there is none.</summary>
    public static IlgpuBackend? TryCreateCuda(out string reason)
    {
        CudaLibraryResolver.Install();
        if (!CudaLibraryResolver.DriverPresent())
        {
            // no driver, no GPU: not worth an ILGPU context, whose creation costs every cpu-only command 0.1-0.2 s
            reason = "no NVIDIA driver library (libcuda.so, libcuda.so.1 or nvcuda.dll) on this machine";
            return null;
        }
        Context? context = null;
        try
        {
            context = Context.Create(b => b.Cuda().EnableAlgorithms().Optimize(OptimizationLevel.O1));
            var devices = context.GetCudaDevices();
            if (devices.Count == 0)
            {
                reason = "no CUDA device found (ILGPU sees no NVIDIA GPU or cannot load libcuda)";
                context.Dispose();
                return null;
            }
            reason = "";
            return new IlgpuBackend("cuda", context, context.CreateCudaAccelerator(0));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            context?.Dispose();
            reason = "CUDA unavailable: " + e.Message;
            return null;
        }
    }

    // The simulator reports an unbounded memory size; it really has the host's.
    public override DeviceInfo Info => new(Name, Name == "cuda" ? Accelerator.Name : "ILGPU CPU simulator (verification only, slow)",
        Name == "cuda" ? Accelerator.MemorySize : GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
        Name == "cuda" ? Accelerator.NumMultiprocessors : Environment.ProcessorCount, 0);

    public override void Synchronize() => Accelerator.Synchronize();

    protected override Tensor Allocate(int[] shape)
    {
        int n = Tensor.Count(shape);
        var buffer = Accelerator.Allocate1D<float>(Math.Max(n, 1));
        buffer.MemSetToZero();
        return new Tensor(this, shape, null, buffer, 0, owns: true);
    }

    internal override void Upload(Tensor destination, ReadOnlySpan<float> source) =>
        destination.View.CopyFromCPU(source);

    internal override void Download(Tensor source, Span<float> destination)
    {
        Accelerator.Synchronize();
        source.View.CopyToCPU(destination);
    }

    public override void Dispose()
    {
        DisposeScratch();
        Accelerator.Dispose();
        context.Dispose();
    }

    /// <summary>Group size for 1-D kernels: a multiple of the warp that every simulated or real device accepts.</summary>
    internal const int GroupSize = 256;

    internal static KernelConfig Config1D(int n) => new((n + GroupSize - 1) / GroupSize, GroupSize);
}
