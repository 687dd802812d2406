namespace RnnEngine.Engine;

/// <summary>Thrown when a named backend cannot be had here; the message lists the ones that can.</summary>
public sealed class DeviceUnavailableException(string message) : Exception(message);

/// <summary>Creates backends by name: "cpu", "ilgpu-cpu", "cuda", or "auto" (cuda when present, else cpu).</summary>
public static class Devices
{
    public static readonly string[] Names = ["cpu", "ilgpu-cpu", "cuda"];

    private static readonly Lazy<(bool ok, string reason)> cudaProbe = new(() =>
    {
        using var b = IlgpuBackend.TryCreateCuda(out string reason);
        return (b is not null, reason);
    });

    public static bool CudaAvailable => cudaProbe.Value.ok;
    public static string CudaUnavailableReason => cudaProbe.Value.reason;

    /// <summary>The names of the backends that work on this machine.</summary>
    public static IReadOnlyList<string> Available() =>
        CudaAvailable ? Names : ["cpu", "ilgpu-cpu"];

    public static Backend Create(string name, int threads = 0)
    {
        switch (name.ToLowerInvariant())
        {
            case "cpu": return new CpuBackend(threads);
            case "ilgpu-cpu": return IlgpuBackend.CreateSimulator();
            case "auto":
                return CudaAvailable ? Create("cuda") : new CpuBackend(threads);
            case "cuda":
                return IlgpuBackend.TryCreateCuda(out string reason)
                    ?? throw new DeviceUnavailableException(
                        $"device 'cuda' is not available ({reason}); available devices: {string.Join(", ", Available())}");
            default:
                throw new DeviceUnavailableException(
                    $"unknown device '{name}'; available devices: {string.Join(", ", Available())} (or auto)");
        }
    }
}
