namespace RnnEngine.Engine;

/// <summary>Float64 reference implementations: plain loops that are the spec every fast path is tested against.</summary>
public static partial class Reference
{
    /// <summary>C[M,N] = alpha * op(A) * op(B) + beta * C; A is [M,K] (or [K,M] when transA), B is [K,N] (or [N,K]).</summary>
    public static void Gemm(bool transA, bool transB, int m, int n, int k, double alpha, ReadOnlySpan<double> a,
        ReadOnlySpan<double> b, double beta, Span<double> c)
    {
        for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
        {
            double sum = 0;
            for (int p = 0; p < k; p++)
            {
                double av = transA ? a[p * m + i] : a[i * k + p];
                double bv = transB ? b[j * k + p] : b[p * n + j];
                sum += av * bv;
            }
            c[i * n + j] = alpha * sum + (beta == 0 ? 0 : beta * c[i * n + j]);
        }
    }
}
