using ILGPU;
using ILGPU.Runtime;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine.Layers;

/// <summary>
/// Raw storage copies and clears that layers need between ops (saved states, h0/hN hand-over). They are plain memory
/// moves, not arithmetic, so they bypass the op layer and use the storage directly (a device-side copy on ILGPU).
/// </summary>
internal static class DeviceMemory
{
    public static void Copy(Tensor source, Tensor destination)
    {
        if (source.Length != destination.Length || source.Device != destination.Device)
            throw new ArgumentException($"copy: {source} into {destination}");
        if (source.Host is not null) source.Span.CopyTo(destination.Span);
        else source.View.CopyTo(destination.View);
    }

    public static void Clear(Tensor t)
    {
        if (t.Host is not null) t.Span.Clear();
        else t.View.MemSetToZero();
    }
}
