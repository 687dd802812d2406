using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

// The partial-sum kernel of the losses (Losses.Ilgpu.cs) in its x^2 mode.
public sealed partial class IlgpuBackend
{
    protected override double SumSquaresCore(Tensor x) => PartialSums(0, x, x, null, 0f);
}
