namespace RnnEngine.Engine;

public static partial class Reference
{
    /// <summary>Row softmax of x [N, F], shifted by each row's maximum so exp never overflows.</summary>
    public static void Softmax(int rows, int cols, ReadOnlySpan<double> x, Span<double> y)
    {
        for (int n = 0; n < rows; n++)
        {
            double max = double.NegativeInfinity;
            for (int f = 0; f < cols; f++) max = Math.Max(max, x[n * cols + f]);
            double sum = 0;
            for (int f = 0; f < cols; f++) sum += y[n * cols + f] = Math.Exp(x[n * cols + f] - max);
            for (int f = 0; f < cols; f++) y[n * cols + f] /= sum;
        }
    }

    /// <summary>dx = y * (dy - rowsum(dy * y)).</summary>
    public static void SoftmaxBackward(int rows, int cols, ReadOnlySpan<double> y, ReadOnlySpan<double> dy, Span<double> dx)
    {
        for (int n = 0; n < rows; n++)
        {
            double dot = 0;
            for (int f = 0; f < cols; f++) dot += dy[n * cols + f] * y[n * cols + f];
            for (int f = 0; f < cols; f++) dx[n * cols + f] = y[n * cols + f] * (dy[n * cols + f] - dot);
        }
    }
}
