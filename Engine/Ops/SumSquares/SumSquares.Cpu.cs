using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

public sealed partial class CpuBackend
{
    protected override double SumSquaresCore(Tensor x) => CpuSimd.SumSquares(x.Span);
}
