namespace RnnEngine.Engine;

public static partial class Reference
{
    /// <summary>y[n, f] = x[n, f] + bias[f] for x, y [N, F].</summary>
    public static void AddBias(int rows, int cols, ReadOnlySpan<double> x, ReadOnlySpan<double> bias, Span<double> y)
    {
        for (int n = 0; n < rows; n++)
        for (int f = 0; f < cols; f++)
            y[n * cols + f] = x[n * cols + f] + bias[f];
    }

    /// <summary>y[f] = (accumulate ? y[f] : 0) + sum over n of x[n, f].</summary>
    public static void ColumnSum(int rows, int cols, ReadOnlySpan<double> x, Span<double> y, bool accumulate)
    {
        for (int f = 0; f < cols; f++)
        {
            double sum = accumulate ? y[f] : 0;
            for (int n = 0; n < rows; n++) sum += x[n * cols + f];
            y[f] = sum;
        }
    }
}
