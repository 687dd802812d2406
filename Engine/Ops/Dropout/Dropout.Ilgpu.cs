using ILGPU;
using ILGPU.Runtime;
using RnnEngine.Engine.Rng;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

/// <summary>Scalar arguments of the dropout kernel.</summary>
internal readonly record struct DropoutArgs(float P, float Scale, ulong Seed, ulong Offset);

// v1: one thread per element hashing its own counter (integer ops only). The top 24 bits go through int to float,
// which is exact, rather than ulong to float (ILGPU lowers that through double, #1309): the same u as CounterRng.Uniform.
public sealed partial class IlgpuBackend
{
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, DropoutArgs>? dropoutKernel;

    protected override void DropoutCore(Tensor x, Tensor y, Tensor mask, float p, float scale, ulong seed, ulong offset)
    {
        dropoutKernel ??= LoadAutoKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, DropoutArgs>(DropoutKernel);
        dropoutKernel(x.Length, x.View, y.View, mask.View, new DropoutArgs(p, scale, seed, offset));
    }

    private static void DropoutKernel(Index1D i, ArrayView<float> x, ArrayView<float> y, ArrayView<float> mask, DropoutArgs a)
    {
        int bits = (int)(CounterRng.Hash(a.Seed, a.Offset + (ulong)(long)i.X) >> 40);
        float u = bits * (1.0f / 16777216.0f);
        float m = u < a.P ? 0f : a.Scale;
        mask[i] = m;
        y[i] = x[i] * m;
    }
}
