using RnnEngine.Engine.Verification;

namespace RnnEngine.Engine;

/// <summary>
/// Finite-difference check of GEMM in one transpose layout. The backward is itself two GEMMs:
/// dA = alpha * dC * op(B)^T (transposed back when A is stored transposed), dB likewise, dC_in = beta * dC.
/// </summary>
public sealed class GemmCheck(bool transA, bool transB, int m = 5, int n = 7, int k = 6) : GradCheck
{
    private const double Alpha = 0.75, Beta = 0.5;

    public override string Name => $"gemm-{(transA ? 't' : 'n')}{(transB ? 't' : 'n')}";

    public override Tolerances.Tol ForwardTolerance => Tolerances.Gemm;

    protected override CheckInput[] MakeInputs(Random rng) =>
    [
        new("A", Uniform(rng, m * k), transA ? [k, m] : [m, k]),
        new("B", Uniform(rng, k * n), transB ? [n, k] : [k, n]),
        new("C", Uniform(rng, m * n), [m, n]),
    ];

    protected override double[] ReferenceForward(double[][] x)
    {
        var c = (double[])x[2].Clone();
        Reference.Gemm(transA, transB, m, n, k, Alpha, x[0], x[1], Beta, c);
        return c;
    }

    protected override (float[] Output, float[]?[] Gradients) Analytic(Backend backend, float[][] x, float[] dOut) =>
        WithTensors(backend, s =>
        {
            var a = s.Of(x[0], transA ? [k, m] : [m, k]);
            var b = s.Of(x[1], transB ? [n, k] : [k, n]);
            var c = s.Of(x[2], m, n);
            backend.Gemm(transA, transB, (float)Alpha, a, b, (float)Beta, c);

            var dc = s.Of(dOut, m, n);
            var da = s.Zeros(a.Shape.ToArray());
            var db = s.Zeros(b.Shape.ToArray());
            // op(A) = dC * op(B)^T; A = op(A)^T when transposed, i.e. op(B) * dC^T.
            if (!transA) backend.Gemm(false, !transB, (float)Alpha, dc, b, 0f, da);
            else backend.Gemm(transB, true, (float)Alpha, b, dc, 0f, da);
            // op(B) = op(A)^T * dC; B = dC^T * op(A) when transposed.
            if (!transB) backend.Gemm(!transA, false, (float)Alpha, a, dc, 0f, db);
            else backend.Gemm(true, transA, (float)Alpha, dc, a, 0f, db);
            var dcIn = dOut.Select(v => (float)(v * Beta)).ToArray();
            return (c.ToArray(), new float[]?[] { da.ToArray(), db.ToArray(), dcIn });
        });
}
