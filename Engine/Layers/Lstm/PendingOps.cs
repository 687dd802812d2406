using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine.Layers;

/// <summary>
/// Stand-in for Backend.Copy until branch `ops` lands it (an instance method with the same signature wins over this
/// extension, so merging `ops` switches the layer over; then delete this file). Host round trip: slow, not for timing.
/// </summary>
internal static class PendingOps
{
    public static void Copy(this Backend device, Tensor src, Tensor dst)
    {
        if (src.Length != dst.Length) throw new ArgumentException($"copy: src {src.ShapeString} and dst {dst.ShapeString} differ in shape");
        dst.CopyFrom(src.ToArray());
    }
}
