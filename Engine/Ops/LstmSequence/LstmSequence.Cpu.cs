using System.Runtime.InteropServices;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

/// <summary>
/// The whole recurrence of one LSTM layer on the cpu, forward (h_{t-1} W_hh^T + the cell, t = 0..T-1) and backward (the
/// cell backward + dGates W_hh, t = T-1..0), as one parallel job per sweep instead of two ops per time step.
///
/// Batch rows never interact inside the recurrence (row r of h_t depends only on row r of h_{t-1}), so each part takes
/// a block of rows (whole GEMM micro-tiles) and walks all T steps on its own: no synchronisation between steps, the
/// cell pass runs on every core, and W_hh is packed once per sweep into the micro-kernel's panel layout (it is constant
/// over the steps) instead of once per step. Every element goes through the same kernel, k order and cell arithmetic
/// whatever the split, so results do not depend on the thread count.
/// </summary>
public sealed partial class CpuBackend
{
    protected override void LstmSequenceForwardCore(int t, int b, int f, int h, Tensor x, RecurrentLayer w, Tensor gates, Tensor hs, Tensor cs) =>
        LstmForwardSweep(t, b, f, h, x, w.Wih, w.Whh, w.Bih, w.Bhh, w.Peephole, gates, hs, cs);

    protected override void LstmSequenceBackwardCore(int t, int b, int f, int h, Tensor x, RecurrentLayer w, Tensor gates, Tensor hs,
        Tensor cs, Tensor dy, Tensor? dhN, Tensor? dcN, Tensor dGates, Tensor? dx, Tensor? dh0, Tensor? dc0, RecurrentLayer dw)
    {
        int n = t * b, g = 4 * h;
        LstmBackwardSweep(t, b, f, h, gates, cs, w.Peephole, dy, dhN, dcN, w.Wih, w.Whh, dGates, dx, Scratch(0, b, h), Scratch(1, b, h),
            dh0, dc0, dw.Peephole);
        // dx may be dy itself: the sweep has read every step of dy before the weight gradients, which read x and dGates only.
        Tensor biasGrad = Scratch(2, 1, g);
        LstmWeightGradients(dGates, x, View(hs, 0, n, h), dw.Wih, dw.Whh, biasGrad, Scratch(3, n, f + h + 1), Scratch(4, f + h + 1, g));
        // b_ih and b_hh get the same gradient (the column sums of dGates).
        Add(dw.Bih, biasGrad, dw.Bih);
        Add(dw.Bhh, biasGrad, dw.Bhh);
    }

    private readonly object sweepLock = new();
    private LstmForwardSweepJob? lstmForwardJob;
    private LstmBackwardSweepJob? lstmBackwardJob;
    private unsafe float* sweepPanels;      // packed W_hh (forward: op(B) = W_hh^T [H, 4H]; backward: W_hh [4H, H])
    private nuint sweepPanelsBytes;
    private unsafe float*[] sweepA = [], sweepTmp = [];
    private int sweepAFloats, sweepMr, sweepNr;
    private float[] sweepBias = [];

    /// <summary>Parts of a sweep over <paramref name="tiles"/> row tiles: a few per thread so a preempted core is covered.</summary>
    private int SweepParts(int tiles) => Threads == 1 ? 1 : Math.Min(tiles, Threads * 4);

    private (CpuGemmPath Path, int Mr, int Nr) SweepKernel()
    {
        var path = ResolvedGemmPath;
        int mr = path switch { CpuGemmPath.Vector512 => GemmKernels.Mr512, CpuGemmPath.Vector256 => GemmKernels.Mr256, _ => GemmKernels.MrScalar };
        int nr = path switch { CpuGemmPath.Vector512 => GemmKernels.Nr512, CpuGemmPath.Vector256 => GemmKernels.Nr256, _ => GemmKernels.NrScalar };
        return (path, mr, nr);
    }

    /// <summary>Grows the sweep scratch: packed panels of panelFloats, and per part an A panel of mr x k and an edge tile.</summary>
    private unsafe void EnsureSweepScratch(int parts, int mr, int nr, int k, long panelFloats)
    {
        nuint bytes = (nuint)(panelFloats * sizeof(float));
        if (bytes > sweepPanelsBytes)
        {
            NativeMemory.AlignedFree(sweepPanels);
            sweepPanels = (float*)NativeMemory.AlignedAlloc(bytes, 64);
            sweepPanelsBytes = bytes;
        }
        if (sweepA.Length >= parts && sweepAFloats >= mr * k && sweepMr == mr && sweepNr == nr) return;
        FreeSweepParts();
        int count = Math.Max(parts, Threads * 4), aFloats = Math.Max(mr * k, sweepAFloats);
        sweepA = new float*[count];
        sweepTmp = new float*[count];
        for (int i = 0; i < count; i++)
        {
            sweepA[i] = (float*)NativeMemory.AlignedAlloc((nuint)(aFloats * sizeof(float)), 64);
            sweepTmp[i] = (float*)NativeMemory.AlignedAlloc((nuint)(mr * nr * sizeof(float)), 64);
        }
        sweepAFloats = aFloats;
        sweepMr = mr;
        sweepNr = nr;
    }

    private unsafe void FreeSweepParts()
    {
        foreach (var p in sweepA) NativeMemory.AlignedFree(p);
        foreach (var p in sweepTmp) NativeMemory.AlignedFree(p);
        sweepA = sweepTmp = [];
    }

    private unsafe void FreeSweepScratch()
    {
        FreeSweepParts();
        NativeMemory.AlignedFree(sweepPanels);
        sweepPanels = null;
        sweepPanelsBytes = 0;
    }

    /// <summary>
    /// Forward recurrence of one layer. x [T*B, F] is the layer's input; gates [T*B, 4H] gets the activated gates; hs, cs
    /// [(T+1)*B, H] hold h0, c0 in their first B rows and get h_t, c_t. Per step and row tile, one GEMM over the
    /// concatenation: a_t = [x_t | h_{t-1}] [W_ih | W_hh]^T (K = F + H, the stacked weights packed once per sweep),
    /// then the fused cell adds b_ih + b_hh. The input projection needs no pass of its own over the gate buffer.
    /// </summary>
    private unsafe void LstmForwardSweep(int t, int b, int features, int hidden, Tensor x, Tensor wih, Tensor whh,
        Tensor biasIh, Tensor biasHh, Tensor? peephole, Tensor gates, Tensor hs, Tensor cs)
    {
        lock (sweepLock)
        {
            var (path, mr, nr) = SweepKernel();
            int g = 4 * hidden, k = features + hidden, tiles = (b + mr - 1) / mr, parts = SweepParts(tiles);
            int nPanels = (g + nr - 1) / nr;
            EnsureSweepScratch(parts, mr, nr, k, (long)nPanels * nr * k);
            if (sweepBias.Length < g) sweepBias = new float[g];
            ReadOnlySpan<float> bi = biasIh.Span, bh = biasHh.Span;
            for (int j = 0; j < g; j++) sweepBias[j] = bi[j] + bh[j];
            PackStackedTransposed(wih.Span, whh.Span, g, features, hidden, sweepPanels, nr);
            var job = lstmForwardJob ??= new LstmForwardSweepJob();
            job.Set(this, path, mr, nr, parts, t, b, features, hidden, x, gates, peephole, hs, cs);
            try
            {
                if (parts == 1) job.Execute(0);
                else pool.Run(job, parts);
            }
            finally { job.Clear(); }
        }
    }

    /// <summary>
    /// op(B) = [W_ih | W_hh]^T ([F + H, G]) into micro-kernel panels: panel q holds (p, j) at q * K * nr + p * nr + j,
    /// K = F + H, columns past G zero. Once per sweep (G * K elements), so a plain loop.
    /// </summary>
    private static unsafe void PackStackedTransposed(ReadOnlySpan<float> wih, ReadOnlySpan<float> whh, int g, int f, int h, float* bp, int nr)
    {
        int k = f + h;
        for (int q = 0; q * nr < g; q++)
        {
            float* panel = bp + (long)q * k * nr;
            for (int p = 0; p < k; p++)
                for (int j = 0; j < nr; j++)
                {
                    int col = q * nr + j;
                    panel[p * nr + j] = col >= g ? 0f : p < f ? wih[col * f + p] : whh[col * h + p - f];
                }
        }
    }

    /// <summary>
    /// Backward recurrence of one layer through the saved act (gates [T*B, 4H]) and cs [(T+1)*B, H]. dh [T*B, H] is the
    /// output gradient per step, dhN, dcN [B, H] (null = 0) flow into the last step. Writes dGates [T*B, 4H], dx [T*B, F]
    /// (dGates W_ih, when given: it may be dh itself, each step's rows are read before they are overwritten), dh0 and dc0
    /// when given, and accumulates dPeephole; dhRec, dcCarry [B, H] are scratch carried between steps. Each row tile's
    /// dGates is packed once for both of its GEMMs (dGates W_hh and dGates W_ih).
    /// </summary>
    private unsafe void LstmBackwardSweep(int t, int b, int features, int hidden, Tensor act, Tensor cs, Tensor? peephole, Tensor dh,
        Tensor? dhN, Tensor? dcN, Tensor wih, Tensor whh, Tensor dGates, Tensor? dx, Tensor dhRec, Tensor dcCarry, Tensor? dh0,
        Tensor? dc0, Tensor? dPeephole)
    {
        lock (sweepLock)
        {
            var (path, mr, nr) = SweepKernel();
            int g = 4 * hidden, tiles = (b + mr - 1) / mr, parts = SweepParts(tiles);
            long hPanels = (long)(hidden + nr - 1) / nr * nr * g, fPanels = (long)(features + nr - 1) / nr * nr * g;
            EnsureSweepScratch(parts, mr, nr, g, hPanels + fPanels);
            fixed (float* w = whh.Host) GemmPack.PackB(w + whh.Offset, false, hidden, g, 0, g, 0, hidden, sweepPanels, nr);
            fixed (float* w = wih.Host) GemmPack.PackB(w + wih.Offset, false, features, g, 0, g, 0, features, sweepPanels + hPanels, nr);
            var job = lstmBackwardJob ??= new LstmBackwardSweepJob();
            job.Set(this, path, mr, nr, parts, t, b, features, hidden, act, cs, peephole, dh, dhN, dcN, dGates, dx, dhRec, dcCarry,
                dh0, dc0, hPanels);
            try
            {
                if (parts == 1) job.Execute(0);
                else pool.Run(job, parts);
            }
            finally { job.Clear(); }
        }
        // Peephole gradients sum over the batch: a serial pass in the order of the per-step op (steps T-1..0, rows 0..B-1).
        if (dPeephole is not null)
        {
            Span<float> dp = dPeephole.Span;
            float[] dgd = dGates.Host!, cd = cs.Host!;
            int g = 4 * hidden;
            for (int step = t - 1; step >= 0; step--)
                for (int r = 0; r < b; r++)
                {
                    ReadOnlySpan<float> dg = dgd.AsSpan(dGates.Offset + (step * b + r) * g, g);
                    ReadOnlySpan<float> cpRow = cd.AsSpan(cs.Offset + (step * b + r) * hidden, hidden);
                    ReadOnlySpan<float> cRow = cd.AsSpan(cs.Offset + ((step + 1) * b + r) * hidden, hidden);
                    LstmMulAdd(dg[..hidden], cpRow, dp[..hidden]);
                    LstmMulAdd(dg.Slice(hidden, hidden), cpRow, dp.Slice(hidden, hidden));
                    LstmMulAdd(dg.Slice(3 * hidden, hidden), cRow, dp.Slice(2 * hidden, hidden));
                }
        }
    }

    /// <summary>C tile rows [r0, r0 + mrValid) of c (ldc columns, n of them) = A panel x packed panels (+ beta C).</summary>
    private static unsafe void SweepTileGemm(CpuGemmPath path, int mr, int nr, int k, float* ap, float* panels, float* c, int n,
        float beta, int mrValid, float* tmp)
    {
        for (int jr = 0; jr < n; jr += nr)
            SweepPanelGemm(path, k, ap, panels + (long)(jr / nr) * k * nr, c + jr, n, beta, mrValid, Math.Min(nr, n - jr), tmp);
    }

    /// <summary>One micro-kernel call: C[mrValid, nrValid] (row stride ldc) = Ap Bp + beta C over one packed panel of B.</summary>
    private static unsafe void SweepPanelGemm(CpuGemmPath path, int k, float* ap, float* panel, float* c, int ldc, float beta, int mrValid,
        int nrValid, float* tmp)
    {
        switch (path)
        {
            case CpuGemmPath.Vector512: GemmKernels.Kernel8x32(k, ap, panel, c, ldc, 1f, beta, mrValid, nrValid, tmp); break;
            case CpuGemmPath.Vector256: GemmKernels.Kernel6x16(k, ap, panel, c, ldc, 1f, beta, mrValid, nrValid, tmp); break;
            default: GemmKernels.KernelScalar(k, ap, panel, c, ldc, 1f, beta, mrValid, nrValid, tmp); break;
        }
    }

    private sealed unsafe class LstmForwardSweepJob : IParallelWork
    {
        private CpuBackend owner = null!;
        private CpuGemmPath path;
        private int mr, nr, parts, t, b, features, hidden;
        private float[]? xd, gd, pd, hd, cd;
        private int xOff, gOff, pOff, hOff, cOff;

        public void Set(CpuBackend backend, CpuGemmPath kernel, int mrFull, int nrFull, int partCount, int steps, int batch, int f, int h,
            Tensor x, Tensor gates, Tensor? peephole, Tensor hs, Tensor cs)
        {
            owner = backend; path = kernel; mr = mrFull; nr = nrFull; parts = partCount; t = steps; b = batch; features = f; hidden = h;
            xd = x.Host; xOff = x.Offset;
            gd = gates.Host; gOff = gates.Offset;
            pd = peephole?.Host; pOff = peephole?.Offset ?? 0;
            hd = hs.Host; hOff = hs.Offset;
            cd = cs.Host; cOff = cs.Offset;
        }

        public void Clear() => xd = gd = pd = hd = cd = null;

        public void Execute(int part)
        {
            int tiles = (b + mr - 1) / mr, tile0 = tiles * part / parts, tile1 = tiles * (part + 1) / parts;
            int g = 4 * hidden, k = features + hidden;
            float* ap = owner.sweepA[part], tmp = owner.sweepTmp[part], panels = owner.sweepPanels;
            float[] bias = owner.sweepBias;
            fixed (float* pg = gd, ph = hd, px = xd)
            {
                for (int step = 0; step < t; step++)
                {
                    int gStep = gOff + step * b * g, hPrev = hOff + step * b * hidden, xStep = xOff + step * b * features;
                    var rows = new LstmForwardRows(gd!, gStep, cd!, cOff + step * b * hidden, pd, pOff, hd!, hPrev + b * hidden,
                        cd!, cOff + (step + 1) * b * hidden, gd!, gStep, hidden, bias);
                    for (int tile = tile0; tile < tile1; tile++)
                    {
                        int r0 = tile * mr, mrValid = Math.Min(mr, b - r0);
                        // The A panel of [x_t | h_{t-1}]: the first F packed k-steps from x, the next H from h.
                        GemmPack.PackA(px + xStep, false, b, features, r0, mrValid, 0, features, ap, mr);
                        GemmPack.PackA(ph + hPrev, false, b, hidden, r0, mrValid, 0, hidden, ap + features * mr, mr);
                        SweepTileGemm(path, mr, nr, k, ap, panels, pg + gStep + (long)r0 * g, g, 0f, mrValid, tmp);
                        for (int r = r0; r < r0 + mrValid; r++) rows.Row(r);
                    }
                }
            }
        }
    }

    private sealed unsafe class LstmBackwardSweepJob : IParallelWork
    {
        private CpuBackend owner = null!;
        private CpuGemmPath path;
        private int mr, nr, parts, t, b, features, hidden;
        private long wihPanels;
        private float[]? ad, cd, pd, dhd, dhNd, dcNd, dgd, dxd, dhRd, dcCd, dh0d, dc0d;
        private int aOff, cOff, pOff, dhOff, dhNOff, dcNOff, dgOff, dxOff, dhROff, dcCOff, dh0Off, dc0Off;

        public void Set(CpuBackend backend, CpuGemmPath kernel, int mrFull, int nrFull, int partCount, int steps, int batch, int f, int h,
            Tensor act, Tensor cs, Tensor? peephole, Tensor dh, Tensor? dhN, Tensor? dcN, Tensor dGates, Tensor? dx, Tensor dhRec,
            Tensor dcCarry, Tensor? dh0, Tensor? dc0, long wihPanelOffset)
        {
            owner = backend; path = kernel; mr = mrFull; nr = nrFull; parts = partCount; t = steps; b = batch; features = f; hidden = h;
            wihPanels = wihPanelOffset;
            ad = act.Host; aOff = act.Offset;
            cd = cs.Host; cOff = cs.Offset;
            pd = peephole?.Host; pOff = peephole?.Offset ?? 0;
            dhd = dh.Host; dhOff = dh.Offset;
            dhNd = dhN?.Host; dhNOff = dhN?.Offset ?? 0;
            dcNd = dcN?.Host; dcNOff = dcN?.Offset ?? 0;
            dgd = dGates.Host; dgOff = dGates.Offset;
            dxd = dx?.Host; dxOff = dx?.Offset ?? 0;
            dhRd = dhRec.Host; dhROff = dhRec.Offset;
            dcCd = dcCarry.Host; dcCOff = dcCarry.Offset;
            dh0d = dh0?.Host; dh0Off = dh0?.Offset ?? 0;
            dc0d = dc0?.Host; dc0Off = dc0?.Offset ?? 0;
        }

        public void Clear() => ad = cd = pd = dhd = dhNd = dcNd = dgd = dxd = dhRd = dcCd = dh0d = dc0d = null;

        public void Execute(int part)
        {
            int tiles = (b + mr - 1) / mr, tile0 = tiles * part / parts, tile1 = tiles * (part + 1) / parts;
            int g = 4 * hidden;
            float* ap = owner.sweepA[part], tmp = owner.sweepTmp[part], panels = owner.sweepPanels;
            float* wihP = panels + wihPanels;
            fixed (float* pdg = dgd, pdhR = dhRd, pdh0 = dh0d, pdx = dxd)
            {
                for (int step = t - 1; step >= 0; step--)
                {
                    bool last = step == t - 1;
                    float[]? dhExtra = last ? dhNd : dhRd, dcNext = last ? dcNd : dcCd;
                    int dhExtraOff = last ? dhNOff : dhROff, dcNextOff = last ? dcNOff : dcCOff;
                    bool toDc0 = step == 0 && dc0d is not null;
                    int dgStep = dgOff + step * b * g;
                    var rows = new LstmBackwardRows(ad!, aOff + step * b * g, cd!, cOff + step * b * hidden, cd!, cOff + (step + 1) * b * hidden,
                        pd, pOff, dhd!, dhOff + step * b * hidden, dhExtra, dhExtraOff, dcNext, dcNextOff, dgd!, dgStep,
                        toDc0 ? dc0d! : dcCd!, toDc0 ? dc0Off : dcCOff, hidden);
                    // The recurrent gradient for step - 1 (or dh0 after the first step) and this step's dx.
                    float* dhOut = step > 0 ? pdhR + dhROff : pdh0 is null ? null : pdh0 + dh0Off;
                    float* dxOut = pdx is null ? null : pdx + dxOff + (long)step * b * features;
                    for (int tile = tile0; tile < tile1; tile++)
                    {
                        int r0 = tile * mr, mrValid = Math.Min(mr, b - r0);
                        for (int r = r0; r < r0 + mrValid; r++) rows.Row(r);
                        if (dhOut == null && dxOut == null) continue;
                        GemmPack.PackA(pdg + dgStep, false, b, g, r0, mrValid, 0, g, ap, mr);
                        if (dhOut != null) SweepTileGemm(path, mr, nr, g, ap, panels, dhOut + (long)r0 * hidden, hidden, 0f, mrValid, tmp);
                        if (dxOut != null) SweepTileGemm(path, mr, nr, g, ap, wihP, dxOut + (long)r0 * features, features, 0f, mrValid, tmp);
                    }
                }
            }
        }
    }
}

public sealed partial class CpuBackend
{
    /// <summary>
    /// The weight and bias gradients of one LSTM layer as one GEMM: [x | h_prev | 1]^T dGates ([F + H + 1, N] x [N, 4H],
    /// the concatenation copied into <paramref name="xh1"/> [N, F + H + 1]) gives dW_ih^T, dW_hh^T and the bias gradient
    /// (the column sums of dGates) in one pass over dGates. In this orientation dGates is packed as the GEMM's B (whole
    /// contiguous rows) and each packed [x | h | 1] panel serves all 4H columns. dW_ih, dW_hh are accumulated (+=);
    /// <paramref name="biasGrad"/> [4H] is overwritten; <paramref name="dwT"/> [F + H + 1, 4H] is scratch.
    /// </summary>
    private void LstmWeightGradients(Tensor dGates, Tensor input, Tensor prevStates, Tensor dWih, Tensor dWhh, Tensor biasGrad,
        Tensor xh1, Tensor dwT)
    {
        int n = dGates.Rows, g = dGates.Cols, f = input.Cols, h = prevStates.Cols, w = f + h + 1;
        if (input.Rows != n || prevStates.Rows != n || xh1.Rows != n || xh1.Cols != w || dwT.Rows != w || dwT.Cols != g
            || dWih.Length != g * f || dWhh.Length != g * h || biasGrad.Length != g)
            throw new ArgumentException($"lstm weight gradients: dGates {dGates.ShapeString}, input {input.ShapeString}, h_prev {prevStates.ShapeString}, "
                + $"xh1 {xh1.ShapeString}, dwT {dwT.ShapeString}, dW_ih {dWih.ShapeString}, dW_hh {dWhh.ShapeString}, bias {biasGrad.ShapeString} do not fit");
        ReadOnlySpan<float> x = input.Span, hp = prevStates.Span;
        Span<float> cat = xh1.Span;
        for (int r = 0; r < n; r++)
        {
            x.Slice(r * f, f).CopyTo(cat.Slice(r * w, f));
            hp.Slice(r * h, h).CopyTo(cat.Slice(r * w + f, h));
            cat[r * w + f + h] = 1f;
        }
        Gemm(true, false, 1f, xh1, dGates, 0f, dwT);
        ReadOnlySpan<float> d = dwT.Span;
        Span<float> gi = dWih.Span, gh = dWhh.Span;
        for (int i = 0; i < g; i++)
        {
            Span<float> rowI = gi.Slice(i * f, f), rowH = gh.Slice(i * h, h);
            for (int j = 0; j < f; j++) rowI[j] += d[j * g + i];
            for (int j = 0; j < h; j++) rowH[j] += d[(f + j) * g + i];
        }
        d.Slice((f + h) * g, g).CopyTo(biasGrad.Span);
    }
}
