using ILGPU;
using ILGPU.Runtime;

namespace RnnEngine.Engine.Tensors;

/// <summary>
/// Integer token ids [N] on a backend (embedding lookups, cross-entropy targets). A host copy is always kept next to the
/// device copy: ops validate ids against the vocabulary on the host and count non-padding targets without a download.
/// Reuse one instance per batch shape through <see cref="CopyFrom"/>.
/// </summary>
public sealed class TokenIds : IDisposable
{
    internal readonly int[] Host;
    internal readonly MemoryBuffer1D<int, Stride1D.Dense>? Buffer;

    public Backend Device { get; }
    public int Length => Host.Length;
    public int Min { get; private set; }
    public int Max { get; private set; }

    internal TokenIds(Backend device, int length, MemoryBuffer1D<int, Stride1D.Dense>? buffer)
    {
        Device = device;
        Host = new int[length];
        Buffer = buffer;
    }

    internal ArrayView<int> View => Buffer is not null
        ? Buffer.View.SubView(0, Length)
        : throw new InvalidOperationException($"token ids on '{Device.Name}' have no ILGPU view");

    public ReadOnlySpan<int> Values => Host;

    public void CopyFrom(ReadOnlySpan<int> ids)
    {
        if (ids.Length != Length) throw new ArgumentException($"token ids: {ids.Length} values into {Length} ids");
        ids.CopyTo(Host);
        int min = int.MaxValue, max = int.MinValue;
        foreach (int id in ids) { min = Math.Min(min, id); max = Math.Max(max, id); }
        (Min, Max) = (min, max);
        if (Buffer is not null && Length > 0) View.CopyFromCPU(ids);
    }

    /// <summary>Copies another id set of the same length (device-side on ILGPU).</summary>
    public void CopyFrom(TokenIds other)
    {
        if (other.Length != Length || other.Device != Device) throw new ArgumentException($"token ids: copy of {other.Length} ids on '{other.Device.Name}' into {Length} on '{Device.Name}'");
        other.Host.CopyTo(Host);
        (Min, Max) = (other.Min, other.Max);
        if (Buffer is not null && Length > 0) other.View.CopyTo(View);
    }

    public int[] ToArray() => (int[])Host.Clone();

    public void Dispose() => Buffer?.Dispose();
}
