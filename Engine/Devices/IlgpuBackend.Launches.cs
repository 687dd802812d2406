using ILGPU;
using ILGPU.Runtime;

namespace RnnEngine.Engine;

/// <summary>
/// The one way kernels are loaded on this backend: every loader wraps ILGPU's launcher so each launch adds one to
/// <see cref="KernelLaunches"/>. On a GPU the cost of these small models is launches (a few microseconds each, and the
/// GPU idles between them), so the count is the figure that says whether a change helps, measurable on the simulator.
/// Copies and zero fills go through the driver's copy and memset calls (no kernel) and are not counted.
/// </summary>
public sealed partial class IlgpuBackend
{
    private long kernelLaunches;

    /// <summary>Kernel launches since this backend was made (read the difference around the work of interest).</summary>
    public long KernelLaunches => Interlocked.Read(ref kernelLaunches);

    private void CountLaunch() => Interlocked.Increment(ref kernelLaunches);

    /// <summary>An implicitly grouped kernel (index first), counted per launch.</summary>
    private Action<TIndex, T1> LoadAutoKernel<TIndex, T1>(Action<TIndex, T1> kernel) where TIndex : struct, IIndex where T1 : struct
    {
        var launch = Accelerator.LoadAutoGroupedStreamKernel(kernel);
        return (i, a1) => { CountLaunch(); launch(i, a1); };
    }

    /// <summary>An implicitly grouped kernel (index first), counted per launch.</summary>
    private Action<TIndex, T1, T2> LoadAutoKernel<TIndex, T1, T2>(Action<TIndex, T1, T2> kernel) where TIndex : struct, IIndex where T1 : struct where T2 : struct
    {
        var launch = Accelerator.LoadAutoGroupedStreamKernel(kernel);
        return (i, a1, a2) => { CountLaunch(); launch(i, a1, a2); };
    }

    /// <summary>An implicitly grouped kernel (index first), counted per launch.</summary>
    private Action<TIndex, T1, T2, T3> LoadAutoKernel<TIndex, T1, T2, T3>(Action<TIndex, T1, T2, T3> kernel) where TIndex : struct, IIndex where T1 : struct where T2 : struct where T3 : struct
    {
        var launch = Accelerator.LoadAutoGroupedStreamKernel(kernel);
        return (i, a1, a2, a3) => { CountLaunch(); launch(i, a1, a2, a3); };
    }

    /// <summary>An implicitly grouped kernel (index first), counted per launch.</summary>
    private Action<TIndex, T1, T2, T3, T4> LoadAutoKernel<TIndex, T1, T2, T3, T4>(Action<TIndex, T1, T2, T3, T4> kernel) where TIndex : struct, IIndex where T1 : struct where T2 : struct where T3 : struct where T4 : struct
    {
        var launch = Accelerator.LoadAutoGroupedStreamKernel(kernel);
        return (i, a1, a2, a3, a4) => { CountLaunch(); launch(i, a1, a2, a3, a4); };
    }

    /// <summary>An implicitly grouped kernel (index first), counted per launch.</summary>
    private Action<TIndex, T1, T2, T3, T4, T5> LoadAutoKernel<TIndex, T1, T2, T3, T4, T5>(Action<TIndex, T1, T2, T3, T4, T5> kernel) where TIndex : struct, IIndex where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct
    {
        var launch = Accelerator.LoadAutoGroupedStreamKernel(kernel);
        return (i, a1, a2, a3, a4, a5) => { CountLaunch(); launch(i, a1, a2, a3, a4, a5); };
    }

    /// <summary>An implicitly grouped kernel (index first), counted per launch.</summary>
    private Action<TIndex, T1, T2, T3, T4, T5, T6> LoadAutoKernel<TIndex, T1, T2, T3, T4, T5, T6>(Action<TIndex, T1, T2, T3, T4, T5, T6> kernel) where TIndex : struct, IIndex where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct
    {
        var launch = Accelerator.LoadAutoGroupedStreamKernel(kernel);
        return (i, a1, a2, a3, a4, a5, a6) => { CountLaunch(); launch(i, a1, a2, a3, a4, a5, a6); };
    }

    /// <summary>An implicitly grouped kernel (index first), counted per launch.</summary>
    private Action<TIndex, T1, T2, T3, T4, T5, T6, T7> LoadAutoKernel<TIndex, T1, T2, T3, T4, T5, T6, T7>(Action<TIndex, T1, T2, T3, T4, T5, T6, T7> kernel) where TIndex : struct, IIndex where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct where T7 : struct
    {
        var launch = Accelerator.LoadAutoGroupedStreamKernel(kernel);
        return (i, a1, a2, a3, a4, a5, a6, a7) => { CountLaunch(); launch(i, a1, a2, a3, a4, a5, a6, a7); };
    }

    /// <summary>An implicitly grouped kernel (index first), counted per launch.</summary>
    private Action<TIndex, T1, T2, T3, T4, T5, T6, T7, T8> LoadAutoKernel<TIndex, T1, T2, T3, T4, T5, T6, T7, T8>(Action<TIndex, T1, T2, T3, T4, T5, T6, T7, T8> kernel) where TIndex : struct, IIndex where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct where T7 : struct where T8 : struct
    {
        var launch = Accelerator.LoadAutoGroupedStreamKernel(kernel);
        return (i, a1, a2, a3, a4, a5, a6, a7, a8) => { CountLaunch(); launch(i, a1, a2, a3, a4, a5, a6, a7, a8); };
    }

    /// <summary>An explicitly grouped kernel (launched with a <see cref="KernelConfig"/>), counted per launch.</summary>
    private Action<KernelConfig, T1> LoadGroupedKernel<T1>(Action<T1> kernel) where T1 : struct
    {
        var launch = Accelerator.LoadStreamKernel(kernel);
        return (c, a1) => { CountLaunch(); launch(c, a1); };
    }

    /// <summary>An explicitly grouped kernel (launched with a <see cref="KernelConfig"/>), counted per launch.</summary>
    private Action<KernelConfig, T1, T2> LoadGroupedKernel<T1, T2>(Action<T1, T2> kernel) where T1 : struct where T2 : struct
    {
        var launch = Accelerator.LoadStreamKernel(kernel);
        return (c, a1, a2) => { CountLaunch(); launch(c, a1, a2); };
    }

    /// <summary>An explicitly grouped kernel (launched with a <see cref="KernelConfig"/>), counted per launch.</summary>
    private Action<KernelConfig, T1, T2, T3> LoadGroupedKernel<T1, T2, T3>(Action<T1, T2, T3> kernel) where T1 : struct where T2 : struct where T3 : struct
    {
        var launch = Accelerator.LoadStreamKernel(kernel);
        return (c, a1, a2, a3) => { CountLaunch(); launch(c, a1, a2, a3); };
    }

    /// <summary>An explicitly grouped kernel (launched with a <see cref="KernelConfig"/>), counted per launch.</summary>
    private Action<KernelConfig, T1, T2, T3, T4> LoadGroupedKernel<T1, T2, T3, T4>(Action<T1, T2, T3, T4> kernel) where T1 : struct where T2 : struct where T3 : struct where T4 : struct
    {
        var launch = Accelerator.LoadStreamKernel(kernel);
        return (c, a1, a2, a3, a4) => { CountLaunch(); launch(c, a1, a2, a3, a4); };
    }

    /// <summary>An explicitly grouped kernel (launched with a <see cref="KernelConfig"/>), counted per launch.</summary>
    private Action<KernelConfig, T1, T2, T3, T4, T5> LoadGroupedKernel<T1, T2, T3, T4, T5>(Action<T1, T2, T3, T4, T5> kernel) where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct
    {
        var launch = Accelerator.LoadStreamKernel(kernel);
        return (c, a1, a2, a3, a4, a5) => { CountLaunch(); launch(c, a1, a2, a3, a4, a5); };
    }

    /// <summary>An explicitly grouped kernel (launched with a <see cref="KernelConfig"/>), counted per launch.</summary>
    private Action<KernelConfig, T1, T2, T3, T4, T5, T6> LoadGroupedKernel<T1, T2, T3, T4, T5, T6>(Action<T1, T2, T3, T4, T5, T6> kernel) where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct
    {
        var launch = Accelerator.LoadStreamKernel(kernel);
        return (c, a1, a2, a3, a4, a5, a6) => { CountLaunch(); launch(c, a1, a2, a3, a4, a5, a6); };
    }

    /// <summary>An explicitly grouped kernel (launched with a <see cref="KernelConfig"/>), counted per launch.</summary>
    private Action<KernelConfig, T1, T2, T3, T4, T5, T6, T7> LoadGroupedKernel<T1, T2, T3, T4, T5, T6, T7>(Action<T1, T2, T3, T4, T5, T6, T7> kernel) where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct where T7 : struct
    {
        var launch = Accelerator.LoadStreamKernel(kernel);
        return (c, a1, a2, a3, a4, a5, a6, a7) => { CountLaunch(); launch(c, a1, a2, a3, a4, a5, a6, a7); };
    }

    /// <summary>An explicitly grouped kernel (launched with a <see cref="KernelConfig"/>), counted per launch.</summary>
    private Action<KernelConfig, T1, T2, T3, T4, T5, T6, T7, T8> LoadGroupedKernel<T1, T2, T3, T4, T5, T6, T7, T8>(Action<T1, T2, T3, T4, T5, T6, T7, T8> kernel) where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct where T7 : struct where T8 : struct
    {
        var launch = Accelerator.LoadStreamKernel(kernel);
        return (c, a1, a2, a3, a4, a5, a6, a7, a8) => { CountLaunch(); launch(c, a1, a2, a3, a4, a5, a6, a7, a8); };
    }

}
