using System.Reflection;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using Xunit;

namespace RnnEngine.Engine.Tests.Ops;

/// <summary>
/// Compiles every kernel of <see cref="IlgpuBackend"/> to PTX without a GPU. The simulator runs a kernel's MSIL, so
/// PTX-only failures (unsupported intrinsics, BCL code with SIMD inside, codegen errors) only show here or on a GPU.
/// Kernels are found by reflection, so kernels added later are covered without touching this file.
/// </summary>
public class PtxCompileTests
{
    /// <summary>Static methods of IlgpuBackend whose name ends in "Kernel".</summary>
    public static IEnumerable<object[]> Kernels() =>
        typeof(IlgpuBackend).GetMethods(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public)
            .Where(m => m.Name.EndsWith("Kernel", StringComparison.Ordinal) && !m.IsGenericMethodDefinition)
            .OrderBy(m => m.Name, StringComparer.Ordinal)
            .Select(m => new object[] { m.Name });

    [Fact]
    public void FindsTheGemmKernels()
    {
        var names = Kernels().Select(r => (string)r[0]).ToList();
        Assert.Contains("GemmTiledKernel", names);
        Assert.Contains("GemmRegisterTiledKernel", names);
    }

    [Theory, MemberData(nameof(Kernels))]
    public void CompilesToPtx(string name)
    {
        var method = typeof(IlgpuBackend).GetMethod(name, BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public)!;
        using var context = Context.Create(b => b.EnableAlgorithms().Optimize(OptimizationLevel.O1));
        using var backend = new PTXBackend(context, CudaArchitecture.SM_90, CudaInstructionSet.ISA_88, null!);  // no NVVM: ILGPU's own PTX codegen
        // Implicitly grouped kernels take their thread index as the first parameter; explicit ones read Grid/Group.
        var first = method.GetParameters().FirstOrDefault()?.ParameterType;
        bool implicitIndex = first == typeof(Index1D) || first == typeof(Index2D) || first == typeof(Index3D)
            || first == typeof(LongIndex1D) || first == typeof(LongIndex2D) || first == typeof(LongIndex3D);
        var entry = implicitIndex
            ? EntryPointDescription.FromImplicitlyGroupedKernel(method)
            : EntryPointDescription.FromExplicitlyGroupedKernel(method);
        var compiled = backend.Compile(entry, KernelSpecialization.Empty);
        var ptx = Assert.IsType<PTXCompiledKernel>(compiled);
        Assert.Contains(".entry", ptx.PTXAssembly);
        // ILGPU 1.5.3 writes ".target sm_80" for SM_90 (it has no sm_90-specific codegen); the ISA version is ours.
        Assert.Contains(".version 8.8", ptx.PTXAssembly);
    }
}
