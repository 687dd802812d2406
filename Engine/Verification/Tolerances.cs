namespace RnnEngine.Engine.Verification;

/// <summary>
/// Every tolerance the tests and `rnnengine gradcheck` use, in one table. A float32 result x passes against a float64
/// reference r when |x - r| &lt;= Abs + Rel * |r|.
/// </summary>
public static class Tolerances
{
    public readonly record struct Tol(double Abs, double Rel)
    {
        public bool Accepts(double value, double reference) =>
            Math.Abs(value - reference) <= Abs + Rel * Math.Abs(reference) && double.IsFinite(value);
    }

    /// <summary>Pointwise ops (activations, add, mul, bias, dropout) against the float64 reference.</summary>
    public static readonly Tol Pointwise = new(1e-6, 1e-5);

    /// <summary>Transcendental pointwise ops (exp-based) against float64: float32 exp/tanh rounding.</summary>
    public static readonly Tol Transcendental = new(2e-6, 2e-5);

    /// <summary>Reductions, softmax and losses: float32 summation order.</summary>
    public static readonly Tol Reduction = new(1e-5, 1e-4);

    /// <summary>GEMM per element, scaled by sqrt(K) through the check's own inputs in [-1, 1].</summary>
    public static readonly Tol Gemm = new(1e-4, 1e-4);

    /// <summary>Optimizer updates after a few steps.</summary>
    public static readonly Tol Optimizer = new(1e-6, 1e-5);

    /// <summary>Forward output of a finite-difference check (float32 backend against the float64 reference).</summary>
    public static readonly Tol CheckForward = new(1e-4, 1e-4);

    /// <summary>Analytic float32 gradient against float64 central differences.</summary>
    public static readonly Tol CheckGradient = new(2e-4, 2e-3);

    /// <summary>Recurrent layers through several steps: float32 error grows with T.</summary>
    public static readonly Tol RecurrentGradient = new(5e-4, 5e-3);

    /// <summary>
    /// A whole window model's parameter gradients against central differences of its float32 loss (no float64 twin of
    /// a model exists; the layers' own checks are against float64): the step is large, so float32 noise stays small.
    /// </summary>
    public static readonly Tol ModelGradient = new(2e-3, 3e-2);

    /// <summary>Central-difference step for the float32 whole-model check.</summary>
    public const float ModelFiniteDifferenceStep = 1e-2f;

    /// <summary>Float32 layers against float64 PyTorch fixtures (max abs diff per element, outputs and gradients).</summary>
    public static readonly Tol TorchFixture = new(1e-5, 0);

    /// <summary>Central-difference step for the float64 reference.</summary>
    public const double FiniteDifferenceStep = 1e-6;

    /// <summary>Bench models' first training loss (float32 engine) against the float64 layer references (issue 6: within 1%).</summary>
    public static readonly Tol BenchLossFirst = new(0, 1e-2);
}
