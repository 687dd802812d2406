using ILGPU;
using ILGPU.Runtime;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

/// <summary>Views of one GRU step, bundled because ILGPU launchers take a bounded number of arguments.</summary>
internal struct GruCellViews
{
    public ArrayView<float> A, B, C, D, E, F, G;
    public int H;
}

public sealed partial class IlgpuBackend
{
    private Action<Index1D, GruCellViews>? gruCellForward, gruCellBackward;

    protected override void GruCellForwardCore(int b, int h, Tensor gx, Tensor gh, Tensor bih, Tensor bhh, Tensor hPrev, Tensor hNext, Tensor gates)
    {
        gruCellForward ??= LoadAutoKernel<Index1D, GruCellViews>(GruCellForwardKernel);
        gruCellForward(b * h, new GruCellViews
        {
            A = gx.View, B = gh.View, C = bih.View, D = bhh.View, E = hPrev.View, F = hNext.View, G = gates.View, H = h,
        });
    }

    protected override void GruCellBackwardCore(int b, int h, Tensor dy, Tensor dh, Tensor hPrev, Tensor gates, Tensor dgx, Tensor dgh)
    {
        gruCellBackward ??= LoadAutoKernel<Index1D, GruCellViews>(GruCellBackwardKernel);
        gruCellBackward(b * h, new GruCellViews
        {
            A = dy.View, B = dh.View, C = hPrev.View, D = gates.View, E = dgx.View, F = dgh.View, G = dgh.View, H = h,
        });
    }

    // v: A gx, B gh, C b_ih, D b_hh, E hPrev, F hNext, G gates.
    private static void GruCellForwardKernel(Index1D idx, GruCellViews v)
    {
        int h = v.H, i = idx / h, j = idx - i * h;
        int g = i * 3 * h, s = i * 4 * h;
        float r = ActivationMath.Sigmoid(v.A[g + j] + v.C[j] + v.B[g + j] + v.D[j]);
        float z = ActivationMath.Sigmoid(v.A[g + h + j] + v.C[h + j] + v.B[g + h + j] + v.D[h + j]);
        float rec = v.B[g + 2 * h + j] + v.D[2 * h + j];
        float n = ActivationMath.Tanh(v.A[g + 2 * h + j] + v.C[2 * h + j] + r * rec);
        v.G[s + j] = r;
        v.G[s + h + j] = z;
        v.G[s + 2 * h + j] = n;
        v.G[s + 3 * h + j] = rec;
        v.F[idx] = n + z * (v.E[idx] - n);
    }

    // v: A dy, B dh (in/out), C hPrev, D gates, E dgx, F dgh.
    private static void GruCellBackwardKernel(Index1D idx, GruCellViews v)
    {
        int h = v.H, i = idx / h, j = idx - i * h;
        int g = i * 3 * h, s = i * 4 * h;
        float r = v.D[s + j], z = v.D[s + h + j], n = v.D[s + 2 * h + j], rec = v.D[s + 3 * h + j];
        float d = v.A[idx] + v.B[idx];
        float dan = d * (1 - z) * (1 - n * n);
        float dar = dan * rec * r * (1 - r);
        float daz = d * (v.C[idx] - n) * z * (1 - z);
        v.E[g + j] = dar; v.E[g + h + j] = daz; v.E[g + 2 * h + j] = dan;
        v.F[g + j] = dar; v.F[g + h + j] = daz; v.F[g + 2 * h + j] = dan * r;
        v.B[idx] = d * z;
    }
}
