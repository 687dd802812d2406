namespace RnnEngine.Models.Data.Scaling;

/// <summary>
/// Seed 003's normalisation: divide by the training column's standard deviation (population, numpy's default), no
/// centring. The seed fitted each file on itself; here the std comes from the training data only.
/// </summary>
public sealed class StdDivScaler : AffineScaler
{
    public const string Name = "stddiv";
    public override string Kind => Name;

    protected override void FitCore(ReadOnlySpan<float> rows, int features)
    {
        for (int f = 0; f < features; f++)
        {
            Shift[f] = 0;
            Multiplier[f] = SafeInverse(Moments.MeanStd(rows, f, features).Std);
        }
    }
}
