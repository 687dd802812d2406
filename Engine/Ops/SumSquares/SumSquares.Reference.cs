namespace RnnEngine.Engine;

public static partial class Reference
{
    public static double SumSquares(ReadOnlySpan<double> x)
    {
        double sum = 0;
        foreach (double v in x) sum += v * v;
        return sum;
    }
}
