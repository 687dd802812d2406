using System.Reflection;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using Xunit;

namespace RnnEngine.Engine.Tests.Ops;

/// <summary>
/// The simulator runs kernels' MSIL, so PTX-only failures (an intrinsic without a PTX mapping, a type the PTX backend
/// rejects) would first show on a GPU. This compiles every kernel of the ILGPU backend to PTX for sm_90 without one.
/// </summary>
public class PtxCompileTests
{
    public static IEnumerable<object[]> Kernels() =>
        typeof(IlgpuBackend).GetMethods(BindingFlags.NonPublic | BindingFlags.Static)
            .Where(m => m.Name.EndsWith("Kernel", StringComparison.Ordinal))
            .Select(m => new object[] { m.Name });

    [Theory, MemberData(nameof(Kernels))]
    public void KernelCompilesToPtx(string name)
    {
        MethodInfo method = typeof(IlgpuBackend).GetMethod(name, BindingFlags.NonPublic | BindingFlags.Static)!;
        using var context = Context.Create(b => b.EnableAlgorithms().Optimize(OptimizationLevel.O1));
        using var backend = new PTXBackend(context, CudaArchitecture.SM_90, CudaInstructionSet.ISA_88, null!);
        bool implicitGrouping = method.GetParameters()[0].ParameterType == typeof(Index1D);
        var entry = implicitGrouping
            ? EntryPointDescription.FromImplicitlyGroupedKernel(method)
            : EntryPointDescription.FromExplicitlyGroupedKernel(method);
        var kernel = (PTXCompiledKernel)backend.Compile(entry, KernelSpecialization.Empty);
        Assert.Contains(".entry", kernel.PTXAssembly);
    }
}
