using RnnEngine.Engine.Verification;
using Xunit;

namespace RnnEngine.Engine.Tests.Support;

public static class Data
{
    public static double[] Uniform(int seed, int n, double lo = -1, double hi = 1)
    {
        var rng = new Random(seed);
        var v = new double[n];
        for (int i = 0; i < n; i++) v[i] = lo + (hi - lo) * rng.NextDouble();
        return v;
    }

    public static float[] ToFloat(double[] v) => Array.ConvertAll(v, d => (float)d);
    public static double[] ToDouble(float[] v) => Array.ConvertAll(v, f => (double)f);

    /// <summary>Asserts every element is within the tolerance of the float64 reference, naming the first one that is not.</summary>
    public static void Close(double[] expected, float[] actual, Tolerances.Tol tol, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            if (!tol.Accepts(actual[i], expected[i]))
                Assert.Fail($"{what}[{i}]: got {actual[i]:G9}, reference {expected[i]:G9} (tolerance abs {tol.Abs}, rel {tol.Rel})");
    }
}
