namespace RnnEngine.Models.Data.Scaling;

/// <summary>Zero mean, unit variance per training column (population std, ddof 0, as scikit-learn; seed 000).</summary>
public sealed class StandardScaler : AffineScaler
{
    public const string Name = "standard";
    public override string Kind => Name;

    protected override void FitCore(ReadOnlySpan<float> rows, int features)
    {
        for (int f = 0; f < features; f++)
        {
            var (mean, std) = Moments.MeanStd(rows, f, features);
            Shift[f] = mean;
            Multiplier[f] = SafeInverse(std);
        }
    }
}
