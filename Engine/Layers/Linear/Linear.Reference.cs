namespace RnnEngine.Engine;

public static partial class Reference
{
    /// <summary>y [N, Out] = x [N, In] W^T (W [Out, In]) + b (b empty = no bias).</summary>
    public static void Linear(int n, int inFeatures, int outFeatures, ReadOnlySpan<double> x, ReadOnlySpan<double> w,
        ReadOnlySpan<double> b, Span<double> y)
    {
        for (int i = 0; i < n; i++)
        for (int o = 0; o < outFeatures; o++)
        {
            double sum = b.IsEmpty ? 0 : b[o];
            for (int k = 0; k < inFeatures; k++) sum += x[i * inFeatures + k] * w[o * inFeatures + k];
            y[i * outFeatures + o] = sum;
        }
    }
}
