using ILGPU;
using ILGPU.Runtime;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

/// <summary>
/// The ILGPU face of the GRU sequence op, built as the LSTM's (see LstmSequence.Ilgpu.cs): gx = x W_ih^T for all steps
/// as one GEMM, the recurrence as one persistent kernel per direction (a group per tile of batch rows, all T steps,
/// the state and h W_hh^T in shared memory, W_hh too where it fits, else read through L2), the weight gradients as
/// whole-sequence GEMMs.
/// </summary>
public sealed partial class IlgpuBackend
{
    private Action<KernelConfig, SequenceViews, SequenceArgs>? gruSeqForward, gruSeqBackward;

    protected override void GruSequenceForwardCore(int t, int b, int f, int h, Tensor x, RecurrentLayer w, Tensor gates, Tensor hs)
    {
        gruSeqForward ??= LoadGroupedKernel<SequenceViews, SequenceArgs>(GruSequenceForwardKernel);
        Tensor gx = Scratch(0, t * b, 3 * h);
        Gemm(false, true, 1f, x, w.Wih, 0f, gx);
        if (!SequenceFitsShared(4 * h))
        {
            GruSequenceForwardSteps(t, b, h, w, gx, gates, hs);
            return;
        }
        var (rows, whhAt, config) = SequenceLaunch(b, h, 3 * h, 4 * h);
        gruSeqForward(config, SequenceViews.Forward(gx, gates, hs, hs, w), new SequenceArgs(t, b, h, rows, 0, 0, 0, 0, 0, whhAt));
    }

    protected override void GruSequenceBackwardCore(int t, int b, int f, int h, Tensor x, RecurrentLayer w, Tensor gates, Tensor hs,
        Tensor dy, Tensor? dhN, Tensor dgx, Tensor dgh, Tensor? dx, Tensor? dh0, RecurrentLayer dw)
    {
        gruSeqBackward ??= LoadGroupedKernel<SequenceViews, SequenceArgs>(GruSequenceBackwardKernel);
        int n = t * b;
        if (!SequenceFitsShared(4 * h)) GruSequenceBackwardSteps(t, b, h, w, gates, hs, dy, dhN, dgx, dgh, dh0);
        else
        {
            var (rows, whhAt, config) = SequenceLaunch(b, h, 3 * h, 4 * h);
            var v = SequenceViews.Backward(gates, hs, hs, w, dy, dhN, null, dgx, dgh, dh0, null);
            gruSeqBackward(config, v, new SequenceArgs(t, b, h, rows, 0, dhN is null ? 0 : 1, 0, dh0 is null ? 0 : 1, 0, whhAt));
        }
        Gemm(true, false, 1f, dgx, x, 1f, dw.Wih);
        Gemm(true, false, 1f, dgh, View(hs, 0, n, h), 1f, dw.Whh);
        SequenceBiasGradient(dgx, dgh, dw.Bih, dw.Bhh, n);
        if (dx is not null) Gemm(false, false, 1f, dgx, w.Wih, 0f, dx);
    }

    // Shared memory per group: h [Rows, H] | gh [Rows, 3H] (h_{t-1} W_hh^T of the step, without bias).
    private static void GruSequenceForwardKernel(SequenceViews v, SequenceArgs p)
    {
        var sh = SharedMemory.GetDynamic<float>();
        int tid = Group.IdxX, gs = Group.DimX, h = p.H, g = 3 * h;
        int r0 = Grid.IdxX * p.Rows, rows = p.B - r0 < p.Rows ? p.B - r0 : p.Rows;
        int aOff = p.Rows * h, wOff = p.WhhOffset;
        for (int i = tid; i < rows * h; i += gs) sh[i] = v.Hs[r0 * h + i];
        if (wOff >= 0)
            for (int i = tid; i < g * h; i += gs) sh[wOff + i] = v.Whh[i];
        Group.Barrier();
        for (int t = 0; t < p.T; t++)
        {
            int rowBase = t * p.B + r0;
            for (int i = tid; i < rows * g; i += gs)
            {
                int r = i / g, j = i - r * g, hr = r * h, wj = j * h;
                float s = 0f;
                if (wOff >= 0)
                    for (int k = 0; k < h; k++) s += sh[hr + k] * sh[wOff + wj + k];
                else
                    for (int k = 0; k < h; k++) s += sh[hr + k] * v.Whh[wj + k];
                sh[aOff + i] = s;
            }
            Group.Barrier();
            for (int i = tid; i < rows * h; i += gs)
            {
                int r = i / h, j = i - r * h, x0 = (rowBase + r) * g + j, a0 = aOff + r * g + j;
                float rg = ActivationMath.Sigmoid(v.Gx[x0] + v.Bih[j] + sh[a0] + v.Bhh[j]);
                float z = ActivationMath.Sigmoid(v.Gx[x0 + h] + v.Bih[h + j] + sh[a0 + h] + v.Bhh[h + j]);
                float rec = sh[a0 + 2 * h] + v.Bhh[2 * h + j];
                float nv = ActivationMath.Tanh(v.Gx[x0 + 2 * h] + v.Bih[2 * h + j] + rg * rec);
                int s0 = (rowBase + r) * 4 * h + j;
                v.Gates[s0] = rg; v.Gates[s0 + h] = z; v.Gates[s0 + 2 * h] = nv; v.Gates[s0 + 3 * h] = rec;
                float hn = nv + z * (sh[i] - nv);
                sh[i] = hn;
                v.Hs[(rowBase + p.B + r) * h + j] = hn;
            }
            Group.Barrier();
        }
    }

    // Shared memory per group: dh [Rows, H] (carried from step t+1) | dgh [Rows, 3H] of the step.
    private static void GruSequenceBackwardKernel(SequenceViews v, SequenceArgs p)
    {
        var sh = SharedMemory.GetDynamic<float>();
        int tid = Group.IdxX, gs = Group.DimX, h = p.H, g = 3 * h;
        int r0 = Grid.IdxX * p.Rows, rows = p.B - r0 < p.Rows ? p.B - r0 : p.Rows;
        int dOff = p.Rows * h, wOff = p.WhhOffset;
        for (int i = tid; i < rows * h; i += gs) sh[i] = p.HasDhN != 0 ? v.DhN[r0 * h + i] : 0f;
        if (wOff >= 0)
            for (int i = tid; i < g * h; i += gs) sh[wOff + i] = v.Whh[i];
        Group.Barrier();
        for (int t = p.T - 1; t >= 0; t--)
        {
            int rowBase = t * p.B + r0;
            for (int i = tid; i < rows * h; i += gs)
            {
                int r = i / h, j = i - r * h, k = (rowBase + r) * h + j, s0 = (rowBase + r) * 4 * h + j, g0 = (rowBase + r) * g + j;
                float rg = v.Gates[s0], z = v.Gates[s0 + h], nv = v.Gates[s0 + 2 * h], rec = v.Gates[s0 + 3 * h];
                float d = v.Dy[k] + sh[i];
                float dan = d * (1f - z) * (1f - nv * nv);
                float dar = dan * rec * rg * (1f - rg);
                float daz = d * (v.Hs[k] - nv) * z * (1f - z);
                v.DGates[g0] = dar; v.DGates[g0 + h] = daz; v.DGates[g0 + 2 * h] = dan;
                v.DGh[g0] = dar; v.DGh[g0 + h] = daz; v.DGh[g0 + 2 * h] = dan * rg;
                int d0 = dOff + r * g + j;
                sh[d0] = dar; sh[d0 + h] = daz; sh[d0 + 2 * h] = dan * rg;
                sh[i] = d * z;
            }
            Group.Barrier();
            // dh_{t-1} = dh' z + dgh_t W_hh (W_hh [3H, H]).
            for (int i = tid; i < rows * h; i += gs)
            {
                int r = i / h, k = i - r * h, d0 = dOff + r * g;
                float s = 0f;
                if (wOff >= 0)
                    for (int j = 0; j < g; j++) s += sh[d0 + j] * sh[wOff + j * h + k];
                else
                    for (int j = 0; j < g; j++) s += sh[d0 + j] * v.Whh[j * h + k];
                sh[i] += s;
            }
            Group.Barrier();
        }
        for (int i = tid; i < rows * h; i += gs)
            if (p.HasDh0 != 0) v.Dh0[r0 * h + i] = sh[i];
    }
}
