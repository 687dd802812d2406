namespace RnnEngine.Engine;

public static partial class Reference
{
    /// <summary>mean (p - t)^2; grad (if not empty) = 2 (p - t) / n.</summary>
    public static double MseLoss(ReadOnlySpan<double> pred, ReadOnlySpan<double> target, Span<double> grad)
    {
        int n = pred.Length;
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            double d = pred[i] - target[i];
            sum += d * d;
            if (!grad.IsEmpty) grad[i] = 2 * d / n;
        }
        return sum / n;
    }

    /// <summary>mean |p - t|; grad (if not empty) = sign(p - t) / n.</summary>
    public static double MaeLoss(ReadOnlySpan<double> pred, ReadOnlySpan<double> target, Span<double> grad)
    {
        int n = pred.Length;
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            double d = pred[i] - target[i];
            sum += Math.Abs(d);
            if (!grad.IsEmpty) grad[i] = Math.Sign(d) / (double)n;
        }
        return sum / n;
    }
}
