using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

/// <summary>
/// The whole recurrence of one GRU layer on the cpu as one parallel job per sweep, as LstmSequence.Cpu.cs does for the LSTM:
/// each part takes a block of batch rows (whole GEMM micro-tiles) and walks all T steps on its own, with the weights
/// packed once per sweep into micro-kernel panels. No step synchronises with another part, and every element goes
/// through the same kernel, k order and cell arithmetic whatever the split, so results do not depend on the thread count.
///
/// Forward, per step and tile, the A panel is [x_t | h_{t-1}] (K = F + H), and three panel sets read windows of it:
/// the r and z columns the whole K against [W_ir | W_hr ; W_iz | W_hz]^T, the x candidate term the first F k-steps
/// against W_in^T, the recurrent candidate term the last H against W_hn^T. The candidate's two terms must stay apart
/// (r multiplies only the recurrent one) and windows keep them apart without multiplying by zero blocks. The products
/// land in the saved gates row [a_r | a_z | gx_n | gh_n] and the fused cell turns it in place into [r | z | n | rec].
/// </summary>
public sealed partial class CpuBackend
{
    protected override void GruSequenceForwardCore(int t, int b, int f, int h, Tensor x, RecurrentLayer w, Tensor gates, Tensor hs) =>
        GruForwardSweep(t, b, f, h, x, w.Wih, w.Whh, w.Bih, w.Bhh, gates, hs);

    protected override void GruSequenceBackwardCore(int t, int b, int f, int h, Tensor x, RecurrentLayer w, Tensor gates, Tensor hs,
        Tensor dy, Tensor? dhN, Tensor dgx, Tensor dgh, Tensor? dx, Tensor? dh0, RecurrentLayer dw)
    {
        int n = t * b;
        Tensor dh = Scratch(0, b, h);
        if (dhN is null) Fill(dh, 0f);
        else Copy(dhN, dh);
        GruBackwardSweep(t, b, f, h, dy, dh, hs, gates, w.Wih, w.Whh, dgx, dgh, dx, needDh0: dh0 is not null);
        GruInputWeightGradient(dgx, x, dw.Wih, Scratch(5, f, 3 * h));
        Gemm(true, false, 1f, dgh, View(hs, 0, n, h), 1f, dw.Whh);
        ColumnSum(dgx, dw.Bih, accumulate: true);
        ColumnSum(dgh, dw.Bhh, accumulate: true);
        if (dh0 is not null) Copy(dh, dh0);
    }

    private GruForwardSweepJob? gruForwardJob;
    private GruBackwardSweepJob? gruBackwardJob;

    /// <summary>
    /// Forward recurrence of one layer. x [T*B, F] is the layer's input; gates [T*B, 4H] gets r, z, n, rec
    /// (rec = W_hn h_{t-1} + b_hn, as GruCellForward saves it); hs [(T+1)*B, H] holds h0 in its first B rows and gets h_t.
    /// </summary>
    private unsafe void GruForwardSweep(int t, int b, int features, int hidden, Tensor x, Tensor wih, Tensor whh,
        Tensor biasIh, Tensor biasHh, Tensor gates, Tensor hs)
    {
        lock (sweepLock)
        {
            var (path, mr, nr) = SweepKernel();
            int h = hidden, k = features + h, tiles = (b + mr - 1) / mr, parts = SweepParts(tiles);
            long hCols = (long)(h + nr - 1) / nr * nr, rzCols = (long)(2 * h + nr - 1) / nr * nr;
            long rzFloats = rzCols * k, nxFloats = hCols * features, nhFloats = hCols * h;
            EnsureSweepScratch(parts, mr, nr, k, rzFloats + nxFloats + nhFloats);
            // The cell adds [b_ir + b_hr | b_iz + b_hz | b_in | b_hn]: the candidate's biases stay apart like its terms.
            if (sweepBias.Length < 4 * h) sweepBias = new float[4 * h];
            ReadOnlySpan<float> bi = biasIh.Span, bh = biasHh.Span;
            for (int j = 0; j < 2 * h; j++) sweepBias[j] = bi[j] + bh[j];
            bi.Slice(2 * h, h).CopyTo(sweepBias.AsSpan(2 * h, h));
            bh.Slice(2 * h, h).CopyTo(sweepBias.AsSpan(3 * h, h));
            PackStackedTransposed(wih.Span, whh.Span, 2 * h, features, h, sweepPanels, nr);
            fixed (float* w = wih.Host) GemmPack.PackB(w + wih.Offset, true, 3 * h, features, 0, features, 2 * h, h, sweepPanels + rzFloats, nr);
            fixed (float* w = whh.Host) GemmPack.PackB(w + whh.Offset, true, 3 * h, h, 0, h, 2 * h, h, sweepPanels + rzFloats + nxFloats, nr);
            var job = gruForwardJob ??= new GruForwardSweepJob();
            job.Set(this, path, mr, nr, parts, t, b, features, h, x, gates, hs, rzFloats, nxFloats);
            try
            {
                if (parts == 1) job.Execute(0);
                else pool.Run(job, parts);
            }
            finally { job.Clear(); }
        }
    }

    /// <summary>
    /// Backward recurrence of one layer through the saved gates [T*B, 4H] and hs [(T+1)*B, H]. dy [T*B, H] is the output
    /// gradient per step; dh [B, H] holds the gradient flowing into the last step (dhN or zeros) and is carried from step
    /// to step; on exit it holds dh0 when <paramref name="needDh0"/> (else its content is undefined). Writes dgx, dgh
    /// [T*B, 3H] (the gradients of the input-side and recurrent-side pre-activations, as GruCellBackward) and dx [T*B, F]
    /// = dgx W_ih when given. Per step and tile: the cell backward (dh = z * (dy + dh)), then dh += dgh W_hh and dx.
    /// </summary>
    private unsafe void GruBackwardSweep(int t, int b, int features, int hidden, Tensor dy, Tensor dh, Tensor hs, Tensor gates,
        Tensor wih, Tensor whh, Tensor dgx, Tensor dgh, Tensor? dx, bool needDh0)
    {
        lock (sweepLock)
        {
            var (path, mr, nr) = SweepKernel();
            int h = hidden, g = 3 * h, tiles = (b + mr - 1) / mr, parts = SweepParts(tiles);
            long whhFloats = (long)(h + nr - 1) / nr * nr * g, wihFloats = (long)(features + nr - 1) / nr * nr * g;
            EnsureSweepScratch(parts, mr, nr, g, whhFloats + wihFloats);
            // op(B) = W_hh [3H, H] and W_ih [3H, F] as they are: K runs over the 3H gate pre-activations.
            fixed (float* w = whh.Host) GemmPack.PackB(w + whh.Offset, false, h, g, 0, g, 0, h, sweepPanels, nr);
            if (dx is not null)
                fixed (float* w = wih.Host) GemmPack.PackB(w + wih.Offset, false, features, g, 0, g, 0, features, sweepPanels + whhFloats, nr);
            var job = gruBackwardJob ??= new GruBackwardSweepJob();
            job.Set(this, path, mr, nr, parts, t, b, features, h, dy, dh, hs, gates, dgx, dgh, dx, needDh0, whhFloats);
            try
            {
                if (parts == 1) job.Execute(0);
                else pool.Run(job, parts);
            }
            finally { job.Clear(); }
        }
    }

    /// <summary>Tile rows of c (row stride ldc, columns [0, n)) = A panel x packed panels (+ beta C); K = k.</summary>
    private static unsafe void GruTileGemm(CpuGemmPath path, int mr, int nr, int k, float* ap, float* panels, float* c, int ldc, int n,
        float beta, int mrValid, float* tmp)
    {
        for (int jr = 0; jr < n; jr += nr)
        {
            int nrValid = Math.Min(nr, n - jr);
            float* panel = panels + (long)(jr / nr) * k * nr;
            switch (path)
            {
                case CpuGemmPath.Vector512: GemmKernels.Kernel8x32(k, ap, panel, c + jr, ldc, 1f, beta, mrValid, nrValid, tmp); break;
                case CpuGemmPath.Vector256: GemmKernels.Kernel6x16(k, ap, panel, c + jr, ldc, 1f, beta, mrValid, nrValid, tmp); break;
                default: GemmKernels.KernelScalar(k, ap, panel, c + jr, ldc, 1f, beta, mrValid, nrValid, tmp); break;
            }
        }
    }

    private sealed unsafe class GruForwardSweepJob : IParallelWork
    {
        private CpuBackend owner = null!;
        private CpuGemmPath path;
        private int mr, nr, parts, t, b, features, hidden;
        private long rzFloats, nxFloats;
        private float[]? xd, gd, hd;
        private int xOff, gOff, hOff;

        public void Set(CpuBackend backend, CpuGemmPath kernel, int mrFull, int nrFull, int partCount, int steps, int batch, int f, int h,
            Tensor x, Tensor gates, Tensor hs, long rzPanelFloats, long nxPanelFloats)
        {
            owner = backend; path = kernel; mr = mrFull; nr = nrFull; parts = partCount; t = steps; b = batch; features = f; hidden = h;
            rzFloats = rzPanelFloats; nxFloats = nxPanelFloats;
            xd = x.Host; xOff = x.Offset;
            gd = gates.Host; gOff = gates.Offset;
            hd = hs.Host; hOff = hs.Offset;
        }

        public void Clear() => xd = gd = hd = null;

        public void Execute(int part)
        {
            int tiles = (b + mr - 1) / mr, tile0 = tiles * part / parts, tile1 = tiles * (part + 1) / parts;
            int h = hidden, f = features, g4 = 4 * h, k = f + h;
            float* ap = owner.sweepA[part], tmp = owner.sweepTmp[part];
            float* rzP = owner.sweepPanels, nxP = rzP + rzFloats, nhP = nxP + nxFloats;
            fixed (float* pg = gd, ph = hd, px = xd, bias = owner.sweepBias)
            {
                for (int step = 0; step < t; step++)
                {
                    float* gStep = pg + gOff + (long)step * b * g4, hPrev = ph + hOff + (long)step * b * h;
                    float* hNext = hPrev + (long)b * h, xStep = px + xOff + (long)step * b * f;
                    for (int tile = tile0; tile < tile1; tile++)
                    {
                        int r0 = tile * mr, mrValid = Math.Min(mr, b - r0);
                        // A panel [x_t | h_{t-1}]: k-steps [0, F) from x, [F, F + H) from h.
                        GemmPack.PackA(xStep, false, b, f, r0, mrValid, 0, f, ap, mr);
                        GemmPack.PackA(hPrev, false, b, h, r0, mrValid, 0, h, ap + f * mr, mr);
                        float* c = gStep + (long)r0 * g4;
                        GruTileGemm(path, mr, nr, k, ap, rzP, c, g4, 2 * h, 0f, mrValid, tmp);
                        GruTileGemm(path, mr, nr, f, ap, nxP, c + 2 * h, g4, h, 0f, mrValid, tmp);
                        GruTileGemm(path, mr, nr, h, ap + f * mr, nhP, c + 3 * h, g4, h, 0f, mrValid, tmp);
                        for (int r = r0; r < r0 + mrValid; r++)
                            GruSweepForwardRow(c + (long)(r - r0) * g4, bias, hPrev + (long)r * h, hNext + (long)r * h, h);
                    }
                }
            }
        }
    }

    private sealed unsafe class GruBackwardSweepJob : IParallelWork
    {
        private CpuBackend owner = null!;
        private CpuGemmPath path;
        private int mr, nr, parts, t, b, features, hidden;
        private bool needDh0;
        private long wihPanels;
        private float[]? dyd, dhd, hsd, gd, dgxd, dghd, dxd;
        private int dyOff, dhOff, hsOff, gOff, dgxOff, dghOff, dxOff;

        public void Set(CpuBackend backend, CpuGemmPath kernel, int mrFull, int nrFull, int partCount, int steps, int batch, int f, int h,
            Tensor dy, Tensor dh, Tensor hs, Tensor gates, Tensor dgx, Tensor dgh, Tensor? dx, bool wantDh0, long wihPanelOffset)
        {
            owner = backend; path = kernel; mr = mrFull; nr = nrFull; parts = partCount; t = steps; b = batch; features = f; hidden = h;
            needDh0 = wantDh0; wihPanels = wihPanelOffset;
            dyd = dy.Host; dyOff = dy.Offset;
            dhd = dh.Host; dhOff = dh.Offset;
            hsd = hs.Host; hsOff = hs.Offset;
            gd = gates.Host; gOff = gates.Offset;
            dgxd = dgx.Host; dgxOff = dgx.Offset;
            dghd = dgh.Host; dghOff = dgh.Offset;
            dxd = dx?.Host; dxOff = dx?.Offset ?? 0;
        }

        public void Clear() => dyd = dhd = hsd = gd = dgxd = dghd = dxd = null;

        public void Execute(int part)
        {
            int tiles = (b + mr - 1) / mr, tile0 = tiles * part / parts, tile1 = tiles * (part + 1) / parts;
            int h = hidden, f = features, g = 3 * h;
            float* ap = owner.sweepA[part], tmp = owner.sweepTmp[part], whhP = owner.sweepPanels, wihP = whhP + wihPanels;
            fixed (float* pdy = dyd, pdh = dhd, phs = hsd, pg = gd, pdgx = dgxd, pdgh = dghd, pdx = dxd)
            {
                float* dhc = pdh + dhOff;
                for (int step = t - 1; step >= 0; step--)
                {
                    long rows = (long)step * b;
                    float* dyStep = pdy + dyOff + rows * h, hPrev = phs + hsOff + rows * h, gStep = pg + gOff + rows * 4 * h;
                    float* dgxStep = pdgx + dgxOff + rows * g, dghStep = pdgh + dghOff + rows * g;
                    float* dxStep = pdx is null ? null : pdx + dxOff + rows * f;
                    bool wantDh = step > 0 || needDh0;
                    for (int tile = tile0; tile < tile1; tile++)
                    {
                        int r0 = tile * mr, mrValid = Math.Min(mr, b - r0);
                        for (int r = r0; r < r0 + mrValid; r++)
                            GruSweepBackwardRow(dyStep + (long)r * h, dhc + (long)r * h, hPrev + (long)r * h, gStep + (long)r * 4 * h,
                                dgxStep + (long)r * g, dghStep + (long)r * g, h);
                        // dh_{t-1} = z * dh_t (written by the cell) + dgh W_hh.
                        if (wantDh)
                        {
                            GemmPack.PackA(dghStep, false, b, g, r0, mrValid, 0, g, ap, mr);
                            GruTileGemm(path, mr, nr, g, ap, whhP, dhc + (long)r0 * h, h, h, 1f, mrValid, tmp);
                        }
                        if (dxStep != null)
                        {
                            GemmPack.PackA(dgxStep, false, b, g, r0, mrValid, 0, g, ap, mr);
                            GruTileGemm(path, mr, nr, g, ap, wihP, dxStep + (long)r0 * f, f, f, 0f, mrValid, tmp);
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// One forward row: g [4H] holds [a_r | a_z | gx_n | gh_n] without biases and gets [r | z | n | rec] when
    /// <paramref name="keepGates"/> (training keeps them for the backward; scoring does not); bias [4H] in the same
    /// layout; hNext = (1 - z) * n + z * hPrev, written as n + z * (hPrev - n) like GruCellForward. hNext may be hPrev.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void GruSweepForwardRow(float* g, float* bias, float* hPrev, float* hNext, int h, bool keepGates = true)
    {
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; j <= h - 16; j += 16)
            {
                var r = CpuSimd.GateSigmoid512(Vector512.Load(g + j) + Vector512.Load(bias + j));
                var z = CpuSimd.GateSigmoid512(Vector512.Load(g + h + j) + Vector512.Load(bias + h + j));
                var rec = Vector512.Load(g + 3 * h + j) + Vector512.Load(bias + 3 * h + j);
                var n = CpuActivations.Tanh(Vector512.Load(g + 2 * h + j) + Vector512.Load(bias + 2 * h + j) + r * rec);
                if (keepGates)
                {
                    Vector512.Store(r, g + j);
                    Vector512.Store(z, g + h + j);
                    Vector512.Store(n, g + 2 * h + j);
                    Vector512.Store(rec, g + 3 * h + j);
                }
                Vector512.Store(n + z * (Vector512.Load(hPrev + j) - n), hNext + j);
            }
        for (; j < h; j++)
        {
            float r = ActivationMath.Sigmoid(g[j] + bias[j]);
            float z = ActivationMath.Sigmoid(g[h + j] + bias[h + j]);
            float rec = g[3 * h + j] + bias[3 * h + j];
            float n = MathF.Tanh(g[2 * h + j] + bias[2 * h + j] + r * rec);
            if (keepGates) { g[j] = r; g[h + j] = z; g[2 * h + j] = n; g[3 * h + j] = rec; }
            hNext[j] = n + z * (hPrev[j] - n);
        }
    }

    /// <summary>
    /// One backward row, the arithmetic of GruCellBackward: dt = dy + dh; dgx = [da_r | da_z | da_n],
    /// dgh = [da_r | da_z | da_n * r]; dh = dt * z (the part of dh_{t-1} that bypasses W_hh).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void GruSweepBackwardRow(float* dy, float* dh, float* hPrev, float* gates, float* dgx, float* dgh, int h)
    {
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var one = Vector512<float>.One;
            for (; j <= h - 16; j += 16)
            {
                var r = Vector512.Load(gates + j); var z = Vector512.Load(gates + h + j);
                var n = Vector512.Load(gates + 2 * h + j); var rec = Vector512.Load(gates + 3 * h + j);
                var dt = Vector512.Load(dy + j) + Vector512.Load(dh + j);
                var dan = dt * (one - z) * (one - n * n);
                var dar = dan * rec * r * (one - r);
                var daz = dt * (Vector512.Load(hPrev + j) - n) * z * (one - z);
                Vector512.Store(dar, dgx + j); Vector512.Store(daz, dgx + h + j); Vector512.Store(dan, dgx + 2 * h + j);
                Vector512.Store(dar, dgh + j); Vector512.Store(daz, dgh + h + j); Vector512.Store(dan * r, dgh + 2 * h + j);
                Vector512.Store(dt * z, dh + j);
            }
        }
        for (; j < h; j++)
        {
            float r = gates[j], z = gates[h + j], n = gates[2 * h + j], rec = gates[3 * h + j];
            float dt = dy[j] + dh[j];
            float dan = dt * (1 - z) * (1 - n * n);
            float dar = dan * rec * r * (1 - r);
            float daz = dt * (hPrev[j] - n) * z * (1 - z);
            dgx[j] = dar; dgx[h + j] = daz; dgx[2 * h + j] = dan;
            dgh[j] = dar; dgh[h + j] = daz; dgh[2 * h + j] = dan * r;
            dh[j] = dt * z;
        }
    }
}
