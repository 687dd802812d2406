namespace RnnEngine.Engine;

public static partial class Reference
{
    public static void Add(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> y)
    {
        for (int i = 0; i < y.Length; i++) y[i] = a[i] + b[i];
    }

    public static void Mul(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> y)
    {
        for (int i = 0; i < y.Length; i++) y[i] = a[i] * b[i];
    }

    /// <summary>y += alpha * x.</summary>
    public static void Axpy(double alpha, ReadOnlySpan<double> x, Span<double> y)
    {
        for (int i = 0; i < y.Length; i++) y[i] += alpha * x[i];
    }

    public static void Scale(Span<double> x, double alpha)
    {
        for (int i = 0; i < x.Length; i++) x[i] *= alpha;
    }
}
