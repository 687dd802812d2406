namespace RnnEngine.Models.Data.Scaling;

/// <summary>Maps each training column's [min, max] to [0, 1] (seed 001's initialisation, seed 002).</summary>
public sealed class MinMaxScaler : AffineScaler
{
    public const string Name = "minmax";
    public override string Kind => Name;

    protected override void FitCore(ReadOnlySpan<float> rows, int features)
    {
        for (int f = 0; f < features; f++)
        {
            double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
            for (int i = f; i < rows.Length; i += features) { lo = Math.Min(lo, rows[i]); hi = Math.Max(hi, rows[i]); }
            Shift[f] = lo;
            Multiplier[f] = SafeInverse(hi - lo);
        }
    }
}
