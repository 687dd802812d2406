using RnnEngine.Engine.Rng;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine.Layers;

/// <summary>A trainable tensor and its gradient (same shape). Backward passes accumulate into <see cref="Grad"/>.</summary>
public sealed class Parameter : IDisposable
{
    public string Name { get; }
    public Tensor Value { get; }
    public Tensor Grad { get; }

    public Parameter(Backend device, string name, params int[] shape)
    {
        Name = name;
        Value = device.Zeros(shape);
        Grad = device.Zeros(shape);
    }

    public int Length => Value.Length;

    /// <summary>Uniform(-bound, bound) from (seed, stream): the same values on every backend.</summary>
    public void InitUniform(double bound, ulong seed, ulong stream)
    {
        var v = new float[Value.Length];
        for (int i = 0; i < v.Length; i++)
            v[i] = (float)CounterRng.Uniform(seed, (stream << 32) + (ulong)i, -bound, bound);
        Value.CopyFrom(v);
    }

    public void ZeroGrad() => Grad.CopyFrom(new float[Grad.Length]);

    public void Dispose()
    {
        Value.Dispose();
        Grad.Dispose();
    }
}
