using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

public abstract partial class Backend
{
    /// <summary>
    /// C = alpha * op(A) * op(B) + beta * C, with op(X) = X or X^T. Every tensor is read as a row-major matrix
    /// [Rows, Cols]; op(A) is [M, K], op(B) is [K, N], C is [M, N]. With beta = 0, C is overwritten (NaNs in it vanish).
    /// </summary>
    public void Gemm(bool transA, bool transB, float alpha, Tensor a, Tensor b, float beta, Tensor c)
    {
        int m = transA ? a.Cols : a.Rows, k = transA ? a.Rows : a.Cols;
        int kb = transB ? b.Cols : b.Rows, n = transB ? b.Rows : b.Cols;
        if (a.Device != this || b.Device != this || c.Device != this)
            throw new ArgumentException($"gemm: A on '{a.Device.Name}', B on '{b.Device.Name}', C on '{c.Device.Name}', the op runs on '{Name}'");
        if (k != kb)
            throw new ArgumentException($"gemm: op(A) is [{m}, {k}] (A {a.ShapeString}{(transA ? "^T" : "")}) but op(B) is [{kb}, {n}] (B {b.ShapeString}{(transB ? "^T" : "")})");
        if (c.Rows != m || c.Cols != n)
            throw new ArgumentException($"gemm: C has shape {c.ShapeString}, expected [{m}, {n}] for A {a.ShapeString} and B {b.ShapeString}");
        if (m == 0 || n == 0) return;
        GemmCore(transA, transB, m, n, k, alpha, a, b, beta, c);
    }

    protected abstract void GemmCore(bool transA, bool transB, int m, int n, int k, float alpha, Tensor a, Tensor b, float beta, Tensor c);
}
