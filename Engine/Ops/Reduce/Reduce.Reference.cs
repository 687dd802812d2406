namespace RnnEngine.Engine;

public static partial class Reference
{
    /// <summary>y[n] = sum / mean / max over f of x[n, f], x [N, F].</summary>
    public static void ReduceRows(ReductionKind kind, int rows, int cols, ReadOnlySpan<double> x, Span<double> y)
    {
        for (int n = 0; n < rows; n++)
        {
            ReadOnlySpan<double> row = x.Slice(n * cols, cols);
            double acc = kind == ReductionKind.Max ? double.NegativeInfinity : 0;
            foreach (double v in row) acc = kind == ReductionKind.Max ? Math.Max(acc, v) : acc + v;
            y[n] = kind == ReductionKind.Mean ? acc / cols : acc;
        }
    }

    /// <summary>dx[n, f] from dy[n]; for max the gradient goes to the first f holding the row's maximum.</summary>
    public static void ReduceRowsBackward(ReductionKind kind, int rows, int cols, ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> dx)
    {
        for (int n = 0; n < rows; n++)
        {
            int arg = 0;
            for (int f = 1; f < cols; f++)
                if (x[n * cols + f] > x[n * cols + arg]) arg = f;
            for (int f = 0; f < cols; f++)
                dx[n * cols + f] = kind switch
                {
                    ReductionKind.Sum => dy[n],
                    ReductionKind.Mean => dy[n] / cols,
                    _ => f == arg ? dy[n] : 0,
                };
        }
    }
}
