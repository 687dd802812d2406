using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

// Pointwise ops run on the calling thread: at the [B, H] sizes of a time step, waking other cores costs more than the
// memory-bound loop itself.
public sealed partial class CpuBackend
{
    protected override void FillCore(Tensor x, float value) => CpuSimd.Fill(x.Span, value);

    protected override void CopyCore(Tensor src, Tensor dst) => src.Span.CopyTo(dst.Span);

    protected override void AddCore(Tensor a, Tensor b, Tensor y) => CpuSimd.Add(a.Span, b.Span, y.Span);

    protected override void MulCore(Tensor a, Tensor b, Tensor y) => CpuSimd.Mul(a.Span, b.Span, y.Span);

    protected override void AxpyCore(float alpha, Tensor x, Tensor y) => CpuSimd.Axpy(alpha, x.Span, y.Span);

    protected override void ScaleCore(Tensor x, float alpha) => CpuSimd.Scale(x.Span, alpha);
}
