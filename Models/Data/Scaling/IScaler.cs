namespace RnnEngine.Models.Data.Scaling;

/// <summary>
/// A per-feature affine scaler x' = (x - Shift[f]) * Multiplier[f], fitted on TRAINING rows only and then applied to
/// every split with the same numbers (seed 003 divided the test file by its own std, which leaks test statistics and
/// hides amplitude anomalies; the scalers here never refit on test data). Data are row-major [N, F].
/// </summary>
public abstract class AffineScaler
{
    public abstract string Kind { get; }
    public double[] Shift { get; protected set; } = [];
    public double[] Multiplier { get; protected set; } = [];
    public int Features => Shift.Length;
    public bool IsFitted => Shift.Length > 0;

    /// <summary>Fits on training rows [N, F]; N must be at least 1.</summary>
    public void Fit(ReadOnlySpan<float> rows, int features)
    {
        if (features <= 0 || rows.Length == 0 || rows.Length % features != 0)
            throw new ArgumentException($"scaler fit needs whole rows of {features} features, got {rows.Length} values");
        Shift = new double[features];
        Multiplier = new double[features];
        FitCore(rows, features);
    }

    protected abstract void FitCore(ReadOnlySpan<float> rows, int features);

    public void Transform(Span<float> rows)
    {
        Check(rows);
        int f = Features;
        for (int i = 0; i < rows.Length; i++)
            rows[i] = (float)((rows[i] - Shift[i % f]) * Multiplier[i % f]);
    }

    public void InverseTransform(Span<float> rows)
    {
        Check(rows);
        int f = Features;
        for (int i = 0; i < rows.Length; i++)
            rows[i] = (float)(rows[i] / Multiplier[i % f] + Shift[i % f]);
    }

    private void Check(Span<float> rows)
    {
        if (!IsFitted) throw new InvalidOperationException($"{Kind} scaler used before Fit");
        if (rows.Length % Features != 0) throw new ArgumentException($"{rows.Length} values are not whole rows of {Features} features");
    }

    /// <summary>A constant training column would divide by zero; like scikit-learn, its scale becomes 1.</summary>
    protected static double SafeInverse(double range) => range > 0 && double.IsFinite(range) ? 1.0 / range : 1.0;

    public static AffineScaler Create(string kind) => kind switch
    {
        MinMaxScaler.Name => new MinMaxScaler(),
        StandardScaler.Name => new StandardScaler(),
        StdDivScaler.Name => new StdDivScaler(),
        _ => throw new ArgumentException($"unknown scaler '{kind}'; expected {MinMaxScaler.Name}, {StandardScaler.Name} or {StdDivScaler.Name}"),
    };

    internal void Restore(double[] shift, double[] multiplier)
    {
        if (shift.Length == 0 || shift.Length != multiplier.Length)
            throw new ArgumentException($"scaler with {shift.Length} shifts and {multiplier.Length} multipliers");
        Shift = shift;
        Multiplier = multiplier;
    }
}
