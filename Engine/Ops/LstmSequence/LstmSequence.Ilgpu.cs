using ILGPU;
using ILGPU.Runtime;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

/// <summary>The views of a persistent sequence kernel (LSTM or GRU), bundled: launchers take a bounded argument count.</summary>
internal struct SequenceViews
{
    // Forward: Gx the input projection [T*B, G] (LSTM: the gate buffer itself), Gates [T*B, 4H], Hs, Cs [(T+1)*B, H].
    // Backward adds Dy [T*B, H], DhN, DcN, Dh0, Dc0 [B, H], DGates [T*B, 4H] (GRU: dgx) and DGh [T*B, 3H] (GRU only).
    public ArrayView<float> Gx, Gates, Hs, Cs, Whh, Bih, Bhh, Peep, Dy, DhN, DcN, DGates, DGh, Dh0, Dc0;

    // A kernel parameter needs a valid view even where the kernel does not read it: the unused ones point at hs, an
    // absent peephole at b_ih, an absent final or initial gradient at dy (the launch's Has* switches say which are real).

    /// <summary>The views of a forward launch. GRU: cs = hs.</summary>
    public static SequenceViews Forward(Tensor gx, Tensor gates, Tensor hs, Tensor cs, RecurrentLayer w) => new()
    {
        Gx = gx.View, Gates = gates.View, Hs = hs.View, Cs = cs.View, Whh = w.Whh.View, Bih = w.Bih.View, Bhh = w.Bhh.View,
        Peep = (w.Peephole ?? w.Bih).View, Dy = hs.View, DhN = hs.View, DcN = hs.View, DGates = hs.View, DGh = hs.View,
        Dh0 = hs.View, Dc0 = hs.View,
    };

    /// <summary>The views of a backward launch. GRU: cs = hs, no dcN or dc0, dGh its own buffer; LSTM: dGh = dGates.</summary>
    public static SequenceViews Backward(Tensor gates, Tensor hs, Tensor cs, RecurrentLayer w, Tensor dy, Tensor? dhN, Tensor? dcN,
        Tensor dGates, Tensor dGh, Tensor? dh0, Tensor? dc0) => new()
    {
        Gx = gates.View, Gates = gates.View, Hs = hs.View, Cs = cs.View, Whh = w.Whh.View, Bih = w.Bih.View, Bhh = w.Bhh.View,
        Peep = (w.Peephole ?? w.Bih).View, Dy = dy.View, DhN = (dhN ?? dy).View, DcN = (dcN ?? dy).View, DGates = dGates.View,
        DGh = dGh.View, Dh0 = (dh0 ?? dy).View, Dc0 = (dc0 ?? dy).View,
    };
}

/// <summary>
/// Sizes and switches of a persistent sequence kernel; Rows = batch rows per group (the tile); WhhOffset = where W_hh
/// sits in shared memory, or -1 when it does not fit and is read through L2.
/// </summary>
internal readonly record struct SequenceArgs(int T, int B, int H, int Rows, int HasPeephole, int HasDhN, int HasDcN, int HasDh0, int HasDc0,
    int WhhOffset = -1);

/// <summary>
/// The ILGPU face of the LSTM sequence op: the input projection of all T steps as one GEMM, then the recurrence as ONE
/// persistent kernel per direction, so the launches of a layer do not grow with T. Each group owns a tile of batch rows
/// for all T steps (rows never interact, so groups need no grid-wide barrier); per step the group computes its rows'
/// h_{t-1} W_hh^T (h, c and the gate pre-activations in shared memory; W_hh too where it fits beside them, loaded once
/// per launch, else read through L2), a group barrier, the fused cell, a barrier. The backward walks t = T-1..0 the same way with dh, dc and dGates in shared memory, then the weight
/// gradients of all steps are one GEMM each (dGates^T x, dGates^T h_prev), the bias gradients one column-sum kernel.
/// Where one row's state does not fit shared memory (H above about 1,900) the recurrence runs step by step instead
/// (LstmSequence.IlgpuSteps.cs).
/// </summary>
public sealed partial class IlgpuBackend
{
    /// <summary>Batch rows per group at most: small tiles give a GPU more groups; the shared-memory budget may lower it.</summary>
    private const int SequenceTileRows = 8;

    /// <summary>Shared floats per group at most (48 KB is the per-block cap without an opt-in ILGPU 1.5.3 cannot make).</summary>
    private const int SequenceSharedFloats = 11 * 1024;

    /// <summary>
    /// The shared floats a persistent kernel may use; tests lower it to run the read-through-L2 path of W_hh at sizes the
    /// simulator can afford.
    /// </summary>
    internal int SequenceSharedBudget { get; set; } = SequenceSharedFloats;

    private Action<KernelConfig, SequenceViews, SequenceArgs>? lstmSeqForward, lstmSeqBackward;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, SequenceArgs>? lstmSeqPeephole;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>? sequenceBiasGrad;

    /// <summary>
    /// Tile rows, where W_hh goes in shared memory (-1: through L2) and the launch shape of a persistent kernel: one
    /// group per tile, threads over the gate columns. The row tile comes first; W_hh [G, H] joins it when both fit.
    /// </summary>
    private bool SequenceFitsShared(int sharedPerRow) => sharedPerRow <= SequenceSharedBudget;

    private (int Rows, int WhhOffset, KernelConfig Config) SequenceLaunch(int b, int h, int gateColumns, int sharedPerRow)
    {
        int budget = SequenceSharedBudget;
        int rows = Math.Min(Math.Min(b, SequenceTileRows), budget / sharedPerRow);
        int whh = gateColumns * h, state = rows * sharedPerRow;
        int whhOffset = state + whh <= budget ? state : -1;
        // A multiple of the warp, at least one thread per gate column up to 256 (the simulator's group limit).
        int group = Math.Min(256, Math.Max(32, (gateColumns + 31) / 32 * 32));
        int groups = (b + rows - 1) / rows;
        var shared = SharedMemoryConfig.RequestDynamic<float>(state + (whhOffset >= 0 ? whh : 0));
        return (rows, whhOffset, new KernelConfig(groups, group, shared));
    }

    protected override void LstmSequenceForwardCore(int t, int b, int f, int h, Tensor x, RecurrentLayer w, Tensor gates, Tensor hs, Tensor cs)
    {
        lstmSeqForward ??= LoadGroupedKernel<SequenceViews, SequenceArgs>(LstmSequenceForwardKernel);
        // gates = x W_ih^T for all steps (the persistent kernel adds the biases and h_{t-1} W_hh^T in place).
        Gemm(false, true, 1f, x, w.Wih, 0f, gates);
        if (!SequenceFitsShared(6 * h))
        {
            LstmSequenceForwardSteps(t, b, h, w, gates, hs, cs);
            return;
        }
        var (rows, whhAt, config) = SequenceLaunch(b, h, 4 * h, 6 * h);
        lstmSeqForward(config, SequenceViews.Forward(gates, gates, hs, cs, w), new SequenceArgs(t, b, h, rows, w.Peephole is null ? 0 : 1, 0, 0, 0, 0, whhAt));
    }

    protected override void LstmSequenceBackwardCore(int t, int b, int f, int h, Tensor x, RecurrentLayer w, Tensor gates, Tensor hs,
        Tensor cs, Tensor dy, Tensor? dhN, Tensor? dcN, Tensor dGates, Tensor? dx, Tensor? dh0, Tensor? dc0, RecurrentLayer dw)
    {
        int n = t * b;
        bool persistent = SequenceFitsShared(6 * h);
        if (!persistent) LstmSequenceBackwardSteps(t, b, h, w, gates, cs, dy, dhN, dcN, dGates, dh0, dc0, dw.Peephole);
        else LstmSequenceBackwardPersistent(t, b, h, w, gates, hs, cs, dy, dhN, dcN, dGates, dh0, dc0);
        // Whole-sequence weight gradients; dx last, since it may be dy itself (read by the recurrence above).
        Gemm(true, false, 1f, dGates, x, 1f, dw.Wih);
        Gemm(true, false, 1f, dGates, View(hs, 0, n, h), 1f, dw.Whh);
        SequenceBiasGradient(dGates, dGates, dw.Bih, dw.Bhh, n);
        if (dx is not null) Gemm(false, false, 1f, dGates, w.Wih, 0f, dx);
        if (dw.Peephole is not null && persistent)
        {
            lstmSeqPeephole ??= LoadAutoKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, SequenceArgs>(LstmSequencePeepholeKernel);
            lstmSeqPeephole(h, dGates.View, cs.View, dw.Peephole.View, new SequenceArgs(t, b, h, 0, 1, 0, 0, 0, 0));
        }
    }

    private void LstmSequenceBackwardPersistent(int t, int b, int h, RecurrentLayer w, Tensor gates, Tensor hs, Tensor cs, Tensor dy,
        Tensor? dhN, Tensor? dcN, Tensor dGates, Tensor? dh0, Tensor? dc0)
    {
        lstmSeqBackward ??= LoadGroupedKernel<SequenceViews, SequenceArgs>(LstmSequenceBackwardKernel);
        var (rows, whhAt, config) = SequenceLaunch(b, h, 4 * h, 6 * h);
        var v = SequenceViews.Backward(gates, hs, cs, w, dy, dhN, dcN, dGates, dGates, dh0, dc0);
        var args = new SequenceArgs(t, b, h, rows, w.Peephole is null ? 0 : 1, dhN is null ? 0 : 1, dcN is null ? 0 : 1,
            dh0 is null ? 0 : 1, dc0 is null ? 0 : 1, whhAt);
        lstmSeqBackward(config, v, args);
    }

    /// <summary>dBih += column sums of srcI, dBhh += those of srcH ([n, G] each): both biases in one launch.</summary>
    private void SequenceBiasGradient(Tensor srcI, Tensor srcH, Tensor dBih, Tensor dBhh, int n)
    {
        sequenceBiasGrad ??= LoadAutoKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(
            SequenceBiasGradKernel);
        sequenceBiasGrad(dBih.Length, srcI.View, srcH.View, dBih.View, dBhh.View, n, dBih.Length);
    }

    // Shared memory per group: h [Rows, H] | c [Rows, H] | a [Rows, 4H] (pre-activations of the step).
    private static void LstmSequenceForwardKernel(SequenceViews v, SequenceArgs p)
    {
        var sh = SharedMemory.GetDynamic<float>();
        int tid = Group.IdxX, gs = Group.DimX, h = p.H, g = 4 * h;
        int r0 = Grid.IdxX * p.Rows, rows = p.B - r0 < p.Rows ? p.B - r0 : p.Rows;
        int cOff = p.Rows * h, aOff = 2 * p.Rows * h, wOff = p.WhhOffset;
        for (int i = tid; i < rows * h; i += gs)
        {
            sh[i] = v.Hs[r0 * h + i];
            sh[cOff + i] = v.Cs[r0 * h + i];
        }
        if (wOff >= 0)
            for (int i = tid; i < g * h; i += gs) sh[wOff + i] = v.Whh[i];
        Group.Barrier();
        for (int t = 0; t < p.T; t++)
        {
            int rowBase = t * p.B + r0;  // [T*B, *] row of this step's first tile row
            for (int i = tid; i < rows * g; i += gs)
            {
                int r = i / g, j = i - r * g, hr = r * h, wj = j * h;
                float s = v.Gx[(rowBase + r) * g + j] + v.Bih[j] + v.Bhh[j];
                if (wOff >= 0)
                    for (int k = 0; k < h; k++) s += sh[hr + k] * sh[wOff + wj + k];
                else
                    for (int k = 0; k < h; k++) s += sh[hr + k] * v.Whh[wj + k];
                sh[aOff + i] = s;
            }
            Group.Barrier();
            for (int i = tid; i < rows * h; i += gs)
            {
                int r = i / h, j = i - r * h, a0 = aOff + r * g + j;
                float cp = sh[cOff + i];
                float ai = sh[a0], af = sh[a0 + h], ag = sh[a0 + 2 * h], ao = sh[a0 + 3 * h];
                if (p.HasPeephole != 0) { ai += v.Peep[j] * cp; af += v.Peep[h + j] * cp; }
                float ig = ActivationMath.Sigmoid(ai), fg = ActivationMath.Sigmoid(af), gg = ActivationMath.Tanh(ag);
                float cn = fg * cp + ig * gg;
                if (p.HasPeephole != 0) ao += v.Peep[2 * h + j] * cn;
                float og = ActivationMath.Sigmoid(ao), hn = og * ActivationMath.Tanh(cn);
                int gi = (rowBase + r) * g + j, si = (rowBase + p.B + r) * h + j;
                v.Gates[gi] = ig; v.Gates[gi + h] = fg; v.Gates[gi + 2 * h] = gg; v.Gates[gi + 3 * h] = og;
                sh[cOff + i] = cn;
                sh[i] = hn;
                v.Hs[si] = hn;
                v.Cs[si] = cn;
            }
            Group.Barrier();
        }
    }

    // Shared memory per group: dh [Rows, H] (the recurrent gradient from step t+1) | dc [Rows, H] | dG [Rows, 4H].
    private static void LstmSequenceBackwardKernel(SequenceViews v, SequenceArgs p)
    {
        var sh = SharedMemory.GetDynamic<float>();
        int tid = Group.IdxX, gs = Group.DimX, h = p.H, g = 4 * h;
        int r0 = Grid.IdxX * p.Rows, rows = p.B - r0 < p.Rows ? p.B - r0 : p.Rows;
        int cOff = p.Rows * h, dOff = 2 * p.Rows * h, wOff = p.WhhOffset;
        for (int i = tid; i < rows * h; i += gs)
        {
            sh[i] = p.HasDhN != 0 ? v.DhN[r0 * h + i] : 0f;
            sh[cOff + i] = p.HasDcN != 0 ? v.DcN[r0 * h + i] : 0f;
        }
        if (wOff >= 0)
            for (int i = tid; i < g * h; i += gs) sh[wOff + i] = v.Whh[i];
        Group.Barrier();
        for (int t = p.T - 1; t >= 0; t--)
        {
            int rowBase = t * p.B + r0;
            for (int i = tid; i < rows * h; i += gs)
            {
                int r = i / h, j = i - r * h, gi = (rowBase + r) * g + j, k = (rowBase + r) * h + j;
                float ig = v.Gates[gi], fg = v.Gates[gi + h], gg = v.Gates[gi + 2 * h], og = v.Gates[gi + 3 * h];
                float cPrev = v.Cs[k], c = v.Cs[k + p.B * h];
                float dhv = v.Dy[k] + sh[i];
                float tc = ActivationMath.Tanh(c);
                float dao = dhv * tc * og * (1f - og);
                float dc = dhv * og * (1f - tc * tc) + sh[cOff + i];
                if (p.HasPeephole != 0) dc += dao * v.Peep[2 * h + j];
                float dai = dc * gg * ig * (1f - ig);
                float daf = dc * cPrev * fg * (1f - fg);
                float dag = dc * ig * (1f - gg * gg);
                float dcp = dc * fg;
                if (p.HasPeephole != 0) dcp += dai * v.Peep[j] + daf * v.Peep[h + j];
                v.DGates[gi] = dai; v.DGates[gi + h] = daf; v.DGates[gi + 2 * h] = dag; v.DGates[gi + 3 * h] = dao;
                int d0 = dOff + r * g + j;
                sh[d0] = dai; sh[d0 + h] = daf; sh[d0 + 2 * h] = dag; sh[d0 + 3 * h] = dao;
                sh[cOff + i] = dcp;
            }
            Group.Barrier();
            // dh_{t-1} = dGates_t W_hh (W_hh [4H, H]: column k of unit k over all gate rows).
            for (int i = tid; i < rows * h; i += gs)
            {
                int r = i / h, k = i - r * h, d0 = dOff + r * g;
                float s = 0f;
                if (wOff >= 0)
                    for (int j = 0; j < g; j++) s += sh[d0 + j] * sh[wOff + j * h + k];
                else
                    for (int j = 0; j < g; j++) s += sh[d0 + j] * v.Whh[j * h + k];
                sh[i] = s;
            }
            Group.Barrier();
        }
        for (int i = tid; i < rows * h; i += gs)
        {
            if (p.HasDh0 != 0) v.Dh0[r0 * h + i] = sh[i];
            if (p.HasDc0 != 0) v.Dc0[r0 * h + i] = sh[cOff + i];
        }
    }

    // One thread per unit j, summing over all T*B rows in a fixed order (no atomics): dPeep += [dG_i c_prev; dG_f c_prev; dG_o c].
    private static void LstmSequencePeepholeKernel(Index1D index, ArrayView<float> dGates, ArrayView<float> cs, ArrayView<float> dPeep,
        SequenceArgs p)
    {
        int j = index, h = p.H, n = p.T * p.B;
        float si = 0f, sf = 0f, so = 0f;
        for (int row = 0; row < n; row++)
        {
            int g0 = row * 4 * h + j;
            float cPrev = cs[row * h + j];
            si += dGates[g0] * cPrev;
            sf += dGates[g0 + h] * cPrev;
            so += dGates[g0 + 3 * h] * cs[(row + p.B) * h + j];
        }
        dPeep[j] += si;
        dPeep[h + j] += sf;
        dPeep[2 * h + j] += so;
    }

    // One thread per gate column j: dBih[j] += sum_rows srcI[row, j], dBhh[j] += sum_rows srcH[row, j].
    private static void SequenceBiasGradKernel(Index1D index, ArrayView<float> srcI, ArrayView<float> srcH, ArrayView<float> dBih,
        ArrayView<float> dBhh, int n, int g)
    {
        int j = index;
        float si = 0f, sh = 0f;
        for (int row = 0; row < n; row++)
        {
            si += srcI[row * g + j];
            sh += srcH[row * g + j];
        }
        dBih[j] += si;
        dBhh[j] += sh;
    }
}
