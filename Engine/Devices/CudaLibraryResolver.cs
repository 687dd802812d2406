using System.Reflection;
using System.Runtime.InteropServices;

namespace RnnEngine.Engine;

/// <summary>
/// .NET probes "libcuda.so" for ILGPU's DllImport("cuda") but never "libcuda.so.1", which is often the only name a
/// container or driver install provides; without this the GPU silently disappears.
/// </summary>
internal static class CudaLibraryResolver
{
    private static int installed;

    public static void Install()
    {
        if (Interlocked.Exchange(ref installed, 1) != 0) return;
        try
        {
            NativeLibrary.SetDllImportResolver(typeof(ILGPU.Context).Assembly, Resolve);
        }
        catch (InvalidOperationException)
        {
            // Another component registered a resolver for ILGPU first; keep theirs.
        }
    }

    private static readonly string[] Candidates = ["libcuda.so", "libcuda.so.1", "nvcuda.dll"];

    /// <summary>Whether the driver library that ILGPU's CUDA backend loads is on this machine at all.</summary>
    public static bool DriverPresent() => Load(typeof(ILGPU.Context).Assembly, null) != IntPtr.Zero;

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path) =>
        name is "cuda" or "nvcuda" ? Load(assembly, path) : IntPtr.Zero;

    private static IntPtr Load(Assembly assembly, DllImportSearchPath? path)
    {
        foreach (var candidate in Candidates)
            if (NativeLibrary.TryLoad(candidate, assembly, path, out var handle)) return handle;
        return IntPtr.Zero;
    }
}
