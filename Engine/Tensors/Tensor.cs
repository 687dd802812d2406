using ILGPU;
using ILGPU.Runtime;

namespace RnnEngine.Engine.Tensors;

/// <summary>
/// A row-major float32 tensor owned by one backend. A tensor is either an owner of its storage or a view into
/// another tensor's storage (same storage, an element offset and its own shape), so time-step slices of a
/// [T, B, F] sequence can be prepared once and reused without allocating inside the time loop.
/// Two-dimensional ops see any tensor as a matrix [Rows, Cols]: Cols is the last dimension, Rows the product of the others.
/// </summary>
public sealed class Tensor : IDisposable
{
    private readonly int[] shape;
    private readonly bool ownsStorage;

    /// <summary>Host storage (cpu backend); null for ILGPU tensors.</summary>
    internal readonly float[]? Host;

    /// <summary>Device storage (ILGPU backends); null for cpu tensors.</summary>
    internal readonly MemoryBuffer1D<float, Stride1D.Dense>? Buffer;

    /// <summary>Element offset of this tensor's first element within its storage.</summary>
    internal readonly int Offset;

    public Backend Device { get; }
    public int Length { get; }
    public int Rank => shape.Length;
    public ReadOnlySpan<int> Shape => shape;
    public int Cols => shape.Length == 0 ? 1 : shape[^1];
    public int Rows => Cols == 0 ? 0 : Length / Cols;

    internal Tensor(Backend device, int[] shape, float[]? host, MemoryBuffer1D<float, Stride1D.Dense>? buffer, int offset, bool owns)
    {
        Device = device;
        this.shape = shape;
        Length = Count(shape);
        Host = host;
        Buffer = buffer;
        Offset = offset;
        ownsStorage = owns;
    }

    public int Dim(int axis) => shape[axis < 0 ? shape.Length + axis : axis];

    /// <summary>Host span of a cpu tensor (no copy). Throws for device tensors: use <see cref="ToArray"/> there.</summary>
    public Span<float> Span => Host is not null
        ? Host.AsSpan(Offset, Length)
        : throw new InvalidOperationException($"tensor {ShapeString} lives on '{Device.Name}'; only cpu tensors expose a host span");

    /// <summary>Device view of an ILGPU tensor.</summary>
    internal ArrayView<float> View => Buffer is not null
        ? Buffer.View.SubView(Offset, Length)
        : throw new InvalidOperationException($"tensor {ShapeString} lives on '{Device.Name}' and has no ILGPU view");

    public string ShapeString => "[" + string.Join(", ", shape) + "]";

    /// <summary>A view of <paramref name="viewShape"/> starting <paramref name="elementOffset"/> elements into this tensor.</summary>
    public Tensor Slice(int elementOffset, params int[] viewShape)
    {
        int n = Count(viewShape);
        if (elementOffset < 0 || elementOffset + n > Length)
            throw new ArgumentOutOfRangeException(nameof(elementOffset),
                $"slice of {n} elements at {elementOffset} does not fit tensor {ShapeString}");
        return new Tensor(Device, (int[])viewShape.Clone(), Host, Buffer, Offset + elementOffset, owns: false);
    }

    /// <summary>The i-th sub-tensor along the first axis, e.g. time step t of a [T, B, F] sequence gives [B, F].</summary>
    public Tensor At(int index)
    {
        if (Rank < 2) throw new InvalidOperationException($"At() needs rank >= 2, tensor is {ShapeString}");
        if ((uint)index >= (uint)shape[0]) throw new ArgumentOutOfRangeException(nameof(index), $"index {index} outside {ShapeString}");
        int inner = Length / shape[0];
        return Slice(index * inner, shape[1..]);
    }

    /// <summary>The same elements with another shape of equal length.</summary>
    public Tensor Reshape(params int[] newShape)
    {
        if (Count(newShape) != Length)
            throw new ArgumentException($"cannot reshape {ShapeString} to [{string.Join(", ", newShape)}]");
        return new Tensor(Device, (int[])newShape.Clone(), Host, Buffer, Offset, owns: false);
    }

    public void CopyFrom(ReadOnlySpan<float> source)
    {
        if (source.Length != Length)
            throw new ArgumentException($"copy of {source.Length} values into tensor {ShapeString} of {Length}");
        Device.Upload(this, source);
    }

    public void CopyTo(Span<float> destination)
    {
        if (destination.Length != Length)
            throw new ArgumentException($"copy of tensor {ShapeString} ({Length} values) into a span of {destination.Length}");
        Device.Download(this, destination);
    }

    public float[] ToArray()
    {
        var result = new float[Length];
        CopyTo(result);
        return result;
    }

    public void Dispose()
    {
        if (ownsStorage) Buffer?.Dispose();
    }

    public override string ToString() => $"Tensor{ShapeString}@{Device.Name}";

    internal static int Count(ReadOnlySpan<int> dims)
    {
        long n = 1;
        foreach (int d in dims)
        {
            if (d < 0) throw new ArgumentException($"negative dimension {d} in shape [{string.Join(", ", dims.ToArray())}]");
            n *= d;
        }
        if (n > int.MaxValue) throw new ArgumentException($"shape [{string.Join(", ", dims.ToArray())}] has more than 2^31 elements");
        return (int)n;
    }

    public bool SameShape(Tensor other) => shape.AsSpan().SequenceEqual(other.shape);
}
