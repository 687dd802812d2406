using System.Diagnostics;

namespace RnnEngine.Engine.Verification;

/// <summary>One line of `rnnengine gradcheck`.</summary>
public sealed record GradCheckResult(string Name, string Device, double MaxAbs, double MaxRel, bool Pass, string Detail, double Seconds);

/// <summary>An input of a check: its values, its shape, and whether the check differentiates with respect to it.</summary>
public sealed record CheckInput(string Name, double[] Values, int[] Shape, bool Differentiable = true);

/// <summary>
/// A finite-difference check. The float64 reference defines the scalar L(x) = sum_i w_i * f(x)_i for a fixed random
/// weighting w; central differences of L over every element of every differentiable input are the expected gradient.
/// The backend under test runs its float32 forward once and its backward once with dL/df = w; its output must match the
/// reference forward and its gradients the finite differences, both within the check's tolerances.
/// </summary>
public abstract class GradCheck
{
    public abstract string Name { get; }

    public virtual Tolerances.Tol ForwardTolerance => Tolerances.CheckForward;
    public virtual Tolerances.Tol GradientTolerance => Tolerances.CheckGradient;

    /// <summary>A tiny problem (a few hundred elements at most: the ILGPU simulator is slow).</summary>
    protected abstract CheckInput[] MakeInputs(Random rng);

    /// <summary>The float64 forward: the spec. Inputs arrive in the order <see cref="MakeInputs"/> gave them.</summary>
    protected abstract double[] ReferenceForward(double[][] inputs);

    /// <summary>
    /// The backend's forward and backward. Returns the forward output and, for each input, its gradient (null for
    /// inputs that are not differentiable).
    /// </summary>
    protected abstract (float[] Output, float[]?[] Gradients) Analytic(Backend backend, float[][] inputs, float[] outputGradient);

    public GradCheckResult Run(Backend backend, int seed = 1234)
    {
        var clock = Stopwatch.StartNew();
        var rng = new Random(seed);
        CheckInput[] inputs = MakeInputs(rng);
        double[][] x = inputs.Select(i => (double[])i.Values.Clone()).ToArray();
        double[] reference = ReferenceForward(x);
        double[] w = new double[reference.Length];
        for (int i = 0; i < w.Length; i++) w[i] = rng.NextDouble() * 2 - 1;

        float[][] xf = x.Select(v => v.Select(d => (float)d).ToArray()).ToArray();
        var (output, gradients) = Analytic(backend, xf, w.Select(d => (float)d).ToArray());

        double maxAbs = 0, maxRel = 0;
        bool pass = true;
        string detail = "";
        void Compare(string what, int index, double value, double expected, Tolerances.Tol tol)
        {
            double abs = Math.Abs(value - expected);
            if (double.IsNaN(abs)) abs = double.PositiveInfinity;
            double rel = abs / Math.Max(Math.Max(Math.Abs(value), Math.Abs(expected)), 1e-3);
            maxAbs = Math.Max(maxAbs, abs);
            maxRel = Math.Max(maxRel, rel);
            if (!tol.Accepts(value, expected) && pass)
            {
                pass = false;
                detail = $"{what}[{index}]: got {value:G6}, expected {expected:G6}";
            }
        }

        if (output.Length != reference.Length)
            return new(Name, backend.Name, double.PositiveInfinity, double.PositiveInfinity, false,
                $"output has {output.Length} values, reference {reference.Length}", clock.Elapsed.TotalSeconds);
        for (int i = 0; i < reference.Length; i++) Compare("output", i, output[i], reference[i], ForwardTolerance);

        for (int input = 0; input < inputs.Length; input++)
        {
            if (!inputs[input].Differentiable) continue;
            float[]? g = gradients[input];
            if (g is null || g.Length != x[input].Length)
                return new(Name, backend.Name, double.PositiveInfinity, double.PositiveInfinity, false,
                    $"no gradient of the right length for input '{inputs[input].Name}'", clock.Elapsed.TotalSeconds);
            double[] values = x[input];
            for (int e = 0; e < values.Length; e++)
            {
                double saved = values[e];
                double h = Tolerances.FiniteDifferenceStep * Math.Max(1.0, Math.Abs(saved));
                values[e] = saved + h;
                double plus = Dot(w, ReferenceForward(x));
                values[e] = saved - h;
                double minus = Dot(w, ReferenceForward(x));
                values[e] = saved;
                Compare("d" + inputs[input].Name, e, g[e], (plus - minus) / (2 * h), GradientTolerance);
            }
        }
        return new(Name, backend.Name, maxAbs, maxRel, pass, detail, clock.Elapsed.TotalSeconds);
    }

    private static double Dot(double[] a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    /// <summary>Uniform values in [lo, hi).</summary>
    protected static double[] Uniform(Random rng, int n, double lo = -1, double hi = 1)
    {
        var v = new double[n];
        for (int i = 0; i < n; i++) v[i] = lo + (hi - lo) * rng.NextDouble();
        return v;
    }

    /// <summary>Uploads inputs, runs <paramref name="body"/>, and disposes every tensor it created through the scope.</summary>
    protected static T WithTensors<T>(Backend backend, Func<TensorScope, T> body)
    {
        using var scope = new TensorScope(backend);
        return body(scope);
    }
}
