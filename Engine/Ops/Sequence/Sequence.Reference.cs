namespace RnnEngine.Engine;

public static partial class Reference
{
    public static void ReverseTime(int t, ReadOnlySpan<double> x, Span<double> y)
    {
        int inner = x.Length / t;
        for (int s = 0; s < t; s++) x.Slice((t - 1 - s) * inner, inner).CopyTo(y.Slice(s * inner, inner));
    }

    public static void RepeatVector(int t, ReadOnlySpan<double> x, Span<double> y)
    {
        for (int s = 0; s < t; s++) x.CopyTo(y.Slice(s * x.Length, x.Length));
    }

    public static void SumOverTime(int t, ReadOnlySpan<double> dy, Span<double> dx)
    {
        dx.Clear();
        for (int s = 0; s < t; s++)
        for (int i = 0; i < dx.Length; i++) dx[i] += dy[s * dx.Length + i];
    }

    public static void ConcatFeatures(int n, int fa, int fb, ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> y)
    {
        for (int i = 0; i < n; i++)
        {
            a.Slice(i * fa, fa).CopyTo(y.Slice(i * (fa + fb), fa));
            b.Slice(i * fb, fb).CopyTo(y.Slice(i * (fa + fb) + fa, fb));
        }
    }

    public static void SplitFeatures(int n, int fa, int fb, ReadOnlySpan<double> dy, Span<double> da, Span<double> db)
    {
        for (int i = 0; i < n; i++)
        {
            dy.Slice(i * (fa + fb), fa).CopyTo(da.Slice(i * fa, fa));
            dy.Slice(i * (fa + fb) + fa, fb).CopyTo(db.Slice(i * fb, fb));
        }
    }
}
