using System.Collections.Concurrent;
using System.Reflection;
using RnnEngine.Engine;
using Xunit.Sdk;

namespace RnnEngine.Engine.Tests.Support;

/// <summary>One shared backend per name for the whole test run (the ILGPU simulator is costly to start).</summary>
public static class TestBackends
{
    private static readonly ConcurrentDictionary<string, Lazy<Backend>> cache = new();

    public static Backend Get(string name) =>
        cache.GetOrAdd(name, n => new Lazy<Backend>(() => Devices.Create(n))).Value;
}

/// <summary>Theory rows "cpu" and "ilgpu-cpu": the backends every machine has.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class LocalBackendsAttribute : DataAttribute
{
    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => [["cpu"], ["ilgpu-cpu"]];
}

/// <summary>Theory row "cuda", skipped with the reason when this machine has no usable NVIDIA GPU.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class CudaBackendAttribute : DataAttribute
{
    public CudaBackendAttribute()
    {
        if (!Devices.CudaAvailable) Skip = "cuda skipped: " + Devices.CudaUnavailableReason;
    }

    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => [["cuda"]];
}
