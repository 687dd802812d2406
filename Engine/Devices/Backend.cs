using System.Runtime.CompilerServices;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

/// <summary>
/// One compute device behind the engine's ops. The public op methods (one partial file per op under Ops/) check shapes
/// and then call the backend's protected implementation; the two concrete backends are <see cref="CpuBackend"/>
/// (managed SIMD code) and <see cref="IlgpuBackend"/> (ILGPU kernels on CUDA or on ILGPU's CPU simulator).
/// </summary>
public abstract partial class Backend : IDisposable
{
    /// <summary>"cpu", "ilgpu-cpu" or "cuda".</summary>
    public abstract string Name { get; }

    public abstract DeviceInfo Info { get; }

    /// <summary>Waits until all queued work has finished (a no-op on cpu).</summary>
    public abstract void Synchronize();

    public Tensor Zeros(params int[] shape) => Allocate((int[])shape.Clone());

    public Tensor FromArray(ReadOnlySpan<float> data, params int[] shape)
    {
        var t = Allocate((int[])shape.Clone());
        t.CopyFrom(data);
        return t;
    }

    protected abstract Tensor Allocate(int[] shape);
    internal abstract void Upload(Tensor destination, ReadOnlySpan<float> source);
    internal abstract void Download(Tensor source, Span<float> destination);

    public abstract void Dispose();

    public override string ToString() => Name;

    /// <summary>Throws naming the op and both shapes when a tensor lives elsewhere or has the wrong element count.</summary>
    protected void Require(string op, Tensor t, string what, int expectedLength, string expectedShape)
    {
        if (t.Device != this)
            throw new ArgumentException($"{op}: {what} {t.ShapeString} lives on '{t.Device.Name}', the op runs on '{Name}'");
        if (t.Length != expectedLength)
            throw new ArgumentException($"{op}: {what} has shape {t.ShapeString}, expected {expectedShape}");
    }

    /// <summary>
    /// The same check for an interpolated expected shape (the usual call): the text is only formatted when the length is
    /// wrong, so the checks of per-time-step ops allocate nothing.
    /// </summary>
    protected void Require(string op, Tensor t, string what, int expectedLength,
        [InterpolatedStringHandlerArgument("t", "expectedLength")] ref ShapeMessage expectedShape)
    {
        if (t.Device != this)
            throw new ArgumentException($"{op}: {what} {t.ShapeString} lives on '{t.Device.Name}', the op runs on '{Name}'");
        if (t.Length != expectedLength)
            throw new ArgumentException($"{op}: {what} has shape {t.ShapeString}, expected {expectedShape.ToStringAndClear()}");
    }

    protected void RequireSameShape(string op, Tensor a, string aName, Tensor b, string bName)
    {
        if (a.Device != this || b.Device != this)
            throw new ArgumentException($"{op}: {aName} on '{a.Device.Name}' and {bName} on '{b.Device.Name}', the op runs on '{Name}'");
        if (a.Length != b.Length)
            throw new ArgumentException($"{op}: {aName} {a.ShapeString} and {bName} {b.ShapeString} differ in shape");
    }
}
