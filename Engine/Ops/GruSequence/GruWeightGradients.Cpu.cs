using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

public sealed partial class CpuBackend
{
    /// <summary>
    /// dW_ih += dgx^T x for one GRU layer over all steps, computed as x^T dgx ([F, N] x [N, 3H] into
    /// <paramref name="dwT"/> [F, 3H]) and added transposed. In this orientation the 3H gate columns fill whole kernel
    /// panels and only the F rows are padded, to the micro-tile height (8) instead of the panel width (32): at F = 51 the
    /// direct dgx^T x computes 64 columns for 51. dgx [N, 3H], x [N, F], dW_ih [3H, F].
    /// </summary>
    private void GruInputWeightGradient(Tensor dgx, Tensor x, Tensor dWih, Tensor dwT)
    {
        int g = dgx.Cols, f = x.Cols;
        if (dwT.Rows != f || dwT.Cols != g || dWih.Length != g * f)
            throw new ArgumentException($"gru input weight gradient: dgx {dgx.ShapeString}, x {x.ShapeString}, dW_ih {dWih.ShapeString}, "
                + $"scratch {dwT.ShapeString} do not fit");
        Gemm(true, false, 1f, x, dgx, 0f, dwT);
        ReadOnlySpan<float> d = dwT.Span;
        Span<float> w = dWih.Span;
        for (int i = 0; i < g; i++)
        {
            Span<float> row = w.Slice(i * f, f);
            for (int j = 0; j < f; j++) row[j] += d[j * g + i];
        }
    }
}
