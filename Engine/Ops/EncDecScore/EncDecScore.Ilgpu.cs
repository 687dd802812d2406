using ILGPU;
using ILGPU.Runtime;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

/// <summary>The views of the fused scoring kernel: x, scores, the output layer, and up to two layers per stack.</summary>
internal struct EncDecViews
{
    public ArrayView<float> X, Scores, WOut, BOut;
    public ArrayView<float> EWih0, EWhh0, EBih0, EBhh0, EWih1, EWhh1, EBih1, EBhh1;
    public ArrayView<float> DWih0, DWhh0, DBih0, DBhh0, DWih1, DWhh1, DBih1, DBhh1;
}

/// <summary>Sizes of the fused scoring kernel; Rows = batch rows per group, Gru and Teacher are 0/1 switches.</summary>
internal readonly record struct EncDecArgs(int T, int B, int F, int H, int Layers, int Rows, int Gru, int Teacher);

/// <summary>
/// The ILGPU face of <see cref="Backend.EncDecScore"/>: the whole score in ONE launch. Each group owns a tile of batch
/// rows and runs, for them, the encoder over all T steps, the decoder (teacher-forced or fed its own reconstruction)
/// with the output layer and the squared error inside the same step loop, and writes their scores: rows never interact,
/// not even through the free-running feedback, so no grid-wide barrier. States, the step's pre-activations, the
/// reconstruction and the error sums stay in shared memory; the weights are read through L2. Per step and layer the
/// input projection is part of the step's product ([x_t | h_{t-1}] against [W_ih | W_hh]): F is small for these models.
/// </summary>
public sealed partial class IlgpuBackend
{
    /// <summary>Layers per stack the fused kernel takes (the views are fixed fields: kernels take no arrays of views).</summary>
    internal const int EncDecMaxLayers = 2;

    private Action<KernelConfig, EncDecViews, EncDecArgs>? encDecScore;

    public override bool FusesEncDecScore(int layers, int hidden, int features) =>
        layers <= EncDecMaxLayers && 2 * layers * hidden + 4 * hidden + 2 * features <= SequenceSharedBudget;

    protected override void EncDecScoreCore(RecurrentStack enc, RecurrentStack dec, Tensor wOut, Tensor bOut, Tensor x, bool teacher, Tensor scores)
    {
        int nl = enc.Depth;
        if (nl > EncDecMaxLayers)
            throw new NotSupportedException($"encdec-score on {Name}: {nl} layers, the fused kernel takes at most {EncDecMaxLayers}");
        encDecScore ??= LoadGroupedKernel<EncDecViews, EncDecArgs>(EncDecScoreKernel);
        int t = x.Dim(0), b = x.Dim(1), f = x.Dim(2), h = enc.Hidden;
        int perRow = 2 * nl * h + 4 * h + 2 * f;
        if (perRow > SequenceSharedBudget)
            throw new NotSupportedException($"encdec-score on {Name}: {perRow} shared floats per batch row (H = {h}, {nl} layers, "
                + $"F = {f}), more than the kernel's {SequenceSharedBudget} (48 KB per group)");
        int rows = Math.Min(Math.Min(b, SequenceTileRows), SequenceSharedBudget / perRow);
        int group = Math.Min(256, Math.Max(32, (4 * h + 31) / 32 * 32));
        var config = new KernelConfig((b + rows - 1) / rows, group, SharedMemoryConfig.RequestDynamic<float>(rows * perRow));
        RecurrentLayer e0 = enc.Layers[0], e1 = enc.Layers[nl - 1], d0 = dec.Layers[0], d1 = dec.Layers[nl - 1];
        var v = new EncDecViews
        {
            X = x.View, Scores = scores.View, WOut = wOut.View, BOut = bOut.View,
            EWih0 = e0.Wih.View, EWhh0 = e0.Whh.View, EBih0 = e0.Bih.View, EBhh0 = e0.Bhh.View,
            EWih1 = e1.Wih.View, EWhh1 = e1.Whh.View, EBih1 = e1.Bih.View, EBhh1 = e1.Bhh.View,
            DWih0 = d0.Wih.View, DWhh0 = d0.Whh.View, DBih0 = d0.Bih.View, DBhh0 = d0.Bhh.View,
            DWih1 = d1.Wih.View, DWhh1 = d1.Whh.View, DBih1 = d1.Bih.View, DBhh1 = d1.Bhh.View,
        };
        encDecScore(config, v, new EncDecArgs(t, b, f, h, nl, rows, enc.IsGru ? 1 : 0, teacher ? 1 : 0));
    }

    // Shared memory per group: h [NL, Rows, H] | c [NL, Rows, H] | a [Rows, 4H] | y [Rows, F] | err [Rows, F].
    private static void EncDecScoreKernel(EncDecViews v, EncDecArgs p)
    {
        var sh = SharedMemory.GetDynamic<float>();
        int tid = Group.IdxX, gs = Group.DimX, h = p.H, f = p.F, nl = p.Layers, R = p.Rows;
        int r0 = Grid.IdxX * R, rows = p.B - r0 < R ? p.B - r0 : R;
        int yOff = 2 * nl * R * h + R * 4 * h, eOff = yOff + R * f;
        for (int i = tid; i < eOff + R * f; i += gs) sh[i] = 0f;
        Group.Barrier();
        // Encoder: input kind 0 (x of step t) for layer 0, 2 (the layer below) above.
        for (int t = 0; t < p.T; t++)
            for (int l = 0; l < nl; l++)
                EncDecLayerStep(sh, v, p, 0, l, l == 0 ? 0 : 2, t, r0, rows);
        // Decoder: step k reconstructs x(T-1-k); step 0 is the encoder's top state, step k > 0 is fed x(T-k) or y.
        for (int k = 0; k < p.T; k++)
        {
            if (k > 0)
                for (int l = 0; l < nl; l++)
                    EncDecLayerStep(sh, v, p, 1, l, l > 0 ? 2 : p.Teacher != 0 ? 0 : 1, p.T - k, r0, rows);
            int top = (nl - 1) * R * h, target = (p.T - 1 - k) * p.B + r0;
            for (int i = tid; i < rows * f; i += gs)
            {
                int r = i / f, j = i - r * f, hr = top + r * h;
                float s = v.BOut[j];
                for (int q = 0; q < h; q++) s += sh[hr + q] * v.WOut[j * h + q];
                float d = s - v.X[(target + r) * f + j];
                sh[eOff + i] += d * d;
                sh[yOff + i] = s;
            }
            Group.Barrier();
        }
        for (int r = tid; r < rows; r += gs)
        {
            float s = 0f;
            for (int j = 0; j < f; j++) s += sh[eOff + r * f + j];
            v.Scores[r0 + r] = s / ((float)p.T * f);
        }
    }

    /// <summary>
    /// One step of layer l of a stack (0 encoder, 1 decoder) for the group's rows: the product [in | h_{t-1}] against
    /// [W_ih | W_hh] with the biases into a, a barrier, the cell, a barrier. Input kind 0: x at time index xStep;
    /// 1: the reconstruction y in shared memory; 2: the new h of layer l - 1. GRU columns of a are [r | z | n_x | n_h]:
    /// the candidate needs r * (W_hn h + b_hn) apart from W_in x + b_in.
    /// </summary>
    private static void EncDecLayerStep(ArrayView<float> sh, EncDecViews v, EncDecArgs p, int stack, int l, int inputKind, int xStep,
        int r0, int rows)
    {
        int tid = Group.IdxX, gs = Group.DimX, h = p.H, f = p.F, R = p.Rows, g = 4 * h;
        int fl = l == 0 ? f : h, hOff = l * R * h, cOff = (p.Layers + l) * R * h, aOff = 2 * p.Layers * R * h;
        int yOff = aOff + R * g, belowOff = (l - 1) * R * h;
        var wih = stack == 0 ? (l == 0 ? v.EWih0 : v.EWih1) : (l == 0 ? v.DWih0 : v.DWih1);
        var whh = stack == 0 ? (l == 0 ? v.EWhh0 : v.EWhh1) : (l == 0 ? v.DWhh0 : v.DWhh1);
        var bih = stack == 0 ? (l == 0 ? v.EBih0 : v.EBih1) : (l == 0 ? v.DBih0 : v.DBih1);
        var bhh = stack == 0 ? (l == 0 ? v.EBhh0 : v.EBhh1) : (l == 0 ? v.DBhh0 : v.DBhh1);
        for (int i = tid; i < rows * g; i += gs)
        {
            int r = i / g, j = i - r * g;
            // the W_ih row and W_hh row of column j (-1: no such term; the GRU's n_x has no W_hh part, n_h no W_ih part)
            int rowIh = j, rowHh = j;
            float s;
            if (p.Gru == 0) s = bih[j] + bhh[j];
            else if (j < 2 * h) s = bih[j] + bhh[j];
            else if (j < 3 * h) { s = bih[j]; rowHh = -1; }
            else { s = bhh[j - h]; rowIh = -1; rowHh = j - h; }
            if (rowIh >= 0)
            {
                int w0 = rowIh * fl;
                for (int q = 0; q < fl; q++)
                {
                    float xin = inputKind == 0 ? v.X[((xStep * p.B) + r0 + r) * f + q]
                        : inputKind == 1 ? sh[yOff + r * f + q] : sh[belowOff + r * h + q];
                    s += xin * wih[w0 + q];
                }
            }
            if (rowHh >= 0)
            {
                int w0 = rowHh * h, hr = hOff + r * h;
                for (int q = 0; q < h; q++) s += sh[hr + q] * whh[w0 + q];
            }
            sh[aOff + i] = s;
        }
        Group.Barrier();
        for (int i = tid; i < rows * h; i += gs)
        {
            int r = i / h, j = i - r * h, a0 = aOff + r * g + j;
            if (p.Gru == 0)
            {
                float ig = ActivationMath.Sigmoid(sh[a0]), fg = ActivationMath.Sigmoid(sh[a0 + h]);
                float gg = ActivationMath.Tanh(sh[a0 + 2 * h]), og = ActivationMath.Sigmoid(sh[a0 + 3 * h]);
                float cn = fg * sh[cOff + i] + ig * gg;
                sh[cOff + i] = cn;
                sh[hOff + i] = og * ActivationMath.Tanh(cn);
            }
            else
            {
                float rg = ActivationMath.Sigmoid(sh[a0]), z = ActivationMath.Sigmoid(sh[a0 + h]);
                float nv = ActivationMath.Tanh(sh[a0 + 2 * h] + rg * sh[a0 + 3 * h]);
                sh[hOff + i] = nv + z * (sh[hOff + i] - nv);
            }
        }
        Group.Barrier();
    }
}
