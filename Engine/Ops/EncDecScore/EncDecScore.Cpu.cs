using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

/// <summary>
/// The cpu face of <see cref="Backend.EncDecScore"/>: one parallel job: the encoder over the window, the decoder's
/// reconstruction (teacher-forced or free-running), the output layer and the squared error, all per row tile.
///
/// Scoring never mixes batch rows, not even through the free-running feedback (row r's next input is row r's own
/// reconstruction), so each part takes whole 8-row GEMM tiles through every step of every layer of both stacks on its
/// own: one fork-join per call instead of several ops per step, and the tile's states, gates and reconstruction stay
/// in L1 (nothing of size T x B is written). Per step and layer one GEMM over [input_t | h_{t-1}] against the stacked
/// weights, packed once per call, then the cell. The GRU's columns are [r | z | n_x | n_h]: W_in sees only the x rows
/// and W_hn only the h rows, since the candidate needs r * (W_hn h + b_hn) apart from W_in x.
/// </summary>
public sealed partial class CpuBackend
{
    private EncDecScoreJob? encDecJob;
    private EncDecPackJob? encDecPackJob;
    private unsafe float*[] encDecState = [];
    private long encDecStateFloats;

    // Below this many output features the output layer is a dot product per (row, feature): a GEMM panel would be
    // nr = 32 columns wide, almost all padding.
    private const int EncDecDotFeatures = 4;

    // Row tiles that share each weight panel while it is in L1 (panel k x nr floats, 32 KB at k = 256, plus the tiles'
    // packed A of k x mr each). A batch of at least one group per thread runs as one part per thread (measured 3% faster
    // at B = 128 and 8% at B = 64, LSTM, than four parts per thread); smaller ones keep the finer parts.
    private const int EncDecTileGroup = 4;

    protected override unsafe void EncDecScoreCore(RecurrentStack enc, RecurrentStack dec, Tensor wOut, Tensor bOut, Tensor x, bool teacher,
        Tensor scores)
    {
        int window = x.Dim(0), b = x.Dim(1), f = x.Dim(2), h = enc.Hidden, nl = enc.Depth, g = 4 * h;
        lock (sweepLock)
        {
            var (path, mr, nr) = SweepKernel();
            int tiles = (b + mr - 1) / mr, parts = tiles >= EncDecTileGroup * Threads ? Threads : SweepParts(tiles);
            // Packed weights, layer by layer (encoder then decoder), then W_out^T, then the folded biases.
            var layerPanels = new long[2 * nl];
            long floats = 0;
            for (int s = 0; s < 2; s++)
                for (int l = 0; l < nl; l++)
                {
                    layerPanels[s * nl + l] = floats;
                    floats += (long)(g + nr - 1) / nr * nr * ((l == 0 ? f : h) + h);
                }
            long outPanels = floats;
            floats += (long)(f + nr - 1) / nr * nr * h;
            long biases = floats;
            floats += 2L * nl * g;
            int kMax = Math.Max(f, h) + h;
            EnsureSweepScratch(parts, mr, nr, EncDecTileGroup * kMax, floats);
            float* panels = sweepPanels;
            var pack = encDecPackJob ??= new EncDecPackJob();
            pack.Set(enc, dec, wOut, panels, layerPanels, outPanels, biases, nr);
            try
            {
                if (parts == 1) for (int u = 0; u <= 2 * nl; u++) pack.Execute(u);
                else pool.Run(pack, 2 * nl + 1);
            }
            finally { pack.Clear(); }

            int rowsCap = (tiles + parts - 1) / parts * mr;
            EnsureEncDecState(parts, (long)nl * 2 * rowsCap * h + (long)rowsCap * ReconstructionStride(f, nr) + rowsCap + (long)EncDecTileGroup * mr * g);
            var job = encDecJob ??= new EncDecScoreJob();
            job.Set(this, path, mr, nr, parts, window, b, f, h, nl, enc.IsGru, teacher, layerPanels, outPanels, biases, rowsCap,
                x, wOut, bOut, scores);
            try
            {
                if (parts == 1) job.Execute(0);
                else pool.Run(job, parts);
            }
            finally { job.Clear(); }
        }
    }

    /// <summary>
    /// op(B) of layer l ([F_l + H, 4H]: rows = [x | h], columns = gates) into micro-kernel panels, columns past 4H zero.
    /// LSTM columns are i, f, g, o over both row blocks; GRU columns r, z over both, then n_x (W_in on the x rows, zero
    /// on the h rows) and n_h (zero on the x rows, W_hn on the h rows). Column by column: each reads one contiguous row
    /// of W_ih and of W_hh, and the strided writes stay within one panel (k x nr floats, in L1).
    /// </summary>
    private static unsafe void PackRecurrentLayer(RecurrentStack st, int l, float* bp, int nr)
    {
        int h = st.Hidden, f = l == 0 ? st.Input : h, k = f + h, g = 4 * h;
        fixed (float* wih0 = st.Layers[l].Wih.Span, whh0 = st.Layers[l].Whh.Span)
            for (int col = 0; col < (g + nr - 1) / nr * nr; col++)
            {
                float* dst = bp + (long)(col / nr) * k * nr + col % nr;
                // the row of W_ih / W_hh this column reads, or -1 for a zero block of the GRU or a padding column
                int rowIh = col >= g || (st.IsGru && col >= 3 * h) ? -1 : col;
                int rowHh = col >= g || (st.IsGru && col >= 2 * h && col < 3 * h) ? -1 : st.IsGru && col >= 3 * h ? col - h : col;
                float* wih = wih0 + (long)rowIh * f, whh = whh0 + (long)rowHh * h;
                for (int p = 0; p < f; p++) dst[(long)p * nr] = rowIh < 0 ? 0f : wih[p];
                dst += (long)f * nr;
                for (int p = 0; p < h; p++) dst[(long)p * nr] = rowHh < 0 ? 0f : whh[p];
            }
    }

    /// <summary>Packs the scorer's weights in parallel: unit u &lt; 2 NL is layer u of the stacks (encoder first) with its
    /// folded biases, unit 2 NL is W_out^T.</summary>
    private sealed unsafe class EncDecPackJob : IParallelWork
    {
        private RecurrentStack? enc, dec;
        private Tensor? wOut;
        private float* panels;
        private long[] layerPanels = [];
        private long outPanels, biases;
        private int nr;

        public void Set(RecurrentStack encoder, RecurrentStack decoder, Tensor outWeight, float* dst, long[] layerOffsets, long outOffset,
            long biasOffset, int panelWidth)
        {
            enc = encoder; dec = decoder; wOut = outWeight; panels = dst; layerPanels = layerOffsets; outPanels = outOffset;
            biases = biasOffset; nr = panelWidth;
        }

        public void Clear() { enc = dec = null; wOut = null; }

        public void Execute(int unit)
        {
            int nl = enc!.Depth, h = enc.Hidden, f = enc.Input;
            if (unit == 2 * nl)
            {
                fixed (float* w = wOut!.Span) GemmPack.PackB(w, true, f, h, 0, h, 0, f, panels + outPanels, nr);
                return;
            }
            var st = unit < nl ? enc : dec!;
            PackRecurrentLayer(st, unit % nl, panels + layerPanels[unit], nr);
            FoldBiases(st, unit % nl, panels + biases + (long)unit * 4 * h);
        }
    }

    /// <summary>LSTM: b_ih + b_hh [4H]. GRU: [b_ir + b_hr | b_iz + b_hz | b_in | b_hn].</summary>
    private static unsafe void FoldBiases(RecurrentStack st, int l, float* dst)
    {
        int h = st.Hidden;
        ReadOnlySpan<float> bi = st.Layers[l].Bih.Span, bh = st.Layers[l].Bhh.Span;
        if (!st.IsGru)
        {
            for (int j = 0; j < 4 * h; j++) dst[j] = bi[j] + bh[j];
            return;
        }
        for (int j = 0; j < 2 * h; j++) dst[j] = bi[j] + bh[j];
        for (int j = 0; j < h; j++) { dst[2 * h + j] = bi[2 * h + j]; dst[3 * h + j] = bh[2 * h + j]; }
    }

    /// <summary>Row stride of the reconstruction y: F, rounded up to whole kernel panels where the output layer is a GEMM.</summary>
    private static int ReconstructionStride(int f, int nr) => f < EncDecDotFeatures ? f : (f + nr - 1) / nr * nr;

    private unsafe void EnsureEncDecState(int parts, long floats)
    {
        int count = Math.Max(parts, Threads * 4);
        if (encDecState.Length >= count && encDecStateFloats >= floats) return;
        FreeEncDecState();
        encDecState = new float*[count];
        for (int i = 0; i < count; i++) encDecState[i] = (float*)NativeMemory.AlignedAlloc((nuint)(floats * sizeof(float)), 64);
        encDecStateFloats = floats;
    }

    private unsafe void FreeEncDecState()
    {
        foreach (var p in encDecState) NativeMemory.AlignedFree(p);
        encDecState = [];
        encDecStateFloats = 0;
    }

    private sealed unsafe class EncDecScoreJob : IParallelWork
    {
        private CpuBackend owner = null!;
        private CpuGemmPath path;
        private int mr, nr, parts, window, b, f, h, nl, rowsCap, ys;
        private bool gru, teacher;
        private long[] layerPanels = [];
        private long outPanels, biases;
        private float[]? xd, bd, sd;
        private int xOff, bOff, sOff, wOff;
        private float[]? wd;

        public void Set(CpuBackend backend, CpuGemmPath kernel, int mrFull, int nrFull, int partCount, int steps, int batch, int features,
            int hidden, int layers, bool isGru, bool teacherForced, long[] layerPanelOffsets, long outPanelOffset, long biasOffset,
            int rowsPerPart, Tensor x, Tensor wOut, Tensor bOut, Tensor scores)
        {
            owner = backend; path = kernel; mr = mrFull; nr = nrFull; parts = partCount; window = steps; b = batch; f = features;
            h = hidden; nl = layers; gru = isGru; teacher = teacherForced; layerPanels = layerPanelOffsets; outPanels = outPanelOffset;
            biases = biasOffset; rowsCap = rowsPerPart;
            ys = ReconstructionStride(f, nr);
            xd = x.Host; xOff = x.Offset;
            wd = wOut.Host; wOff = wOut.Offset;
            bd = bOut.Host; bOff = bOut.Offset;
            sd = scores.Host; sOff = scores.Offset;
        }

        public void Clear() => xd = wd = bd = sd = null;

        public void Execute(int part)
        {
            int tiles = (b + mr - 1) / mr, tile0 = tiles * part / parts, tile1 = tiles * (part + 1) / parts;
            int rows = Math.Min(b, tile1 * mr) - tile0 * mr, g = 4 * h;
            float* ap = owner.sweepA[part], tmp = owner.sweepTmp[part], panels = owner.sweepPanels;
            // Per part: h and c of every layer [NL][rowsCap, H] each, the reconstruction y [rowsCap, ys] (F, rounded up to
            // whole panels on the GEMM path), the squared error sums [rowsCap] and a tile group's gates [group x mr, 4H].
            float* hs = owner.encDecState[part], cs = hs + (long)nl * rowsCap * h, y = cs + (long)nl * rowsCap * h, err = y + (long)rowsCap * ys;
            float* gates = err + rowsCap;
            new Span<float>(hs, 2 * nl * rowsCap * h).Clear();
            new Span<float>(err, rowsCap).Clear();
            fixed (float* px = xd, pw = wd, pb = bd, ps = sd)
            {
                float* x = px + xOff, wOut = pw + wOff, bOut = pb + bOff;
                for (int step = 0; step < window; step++)
                    for (int l = 0; l < nl; l++)
                        Layer(0, l, step, x + (long)step * b * f, hs, cs, ap, tmp, panels, gates, tile0, tile1);
                // Reconstruction k of x(L - k) (k = 0 from the encoder's top state); decoder step k reads x(L + 1 - k)
                // or reconstruction k - 1, which y still holds.
                for (int k = 0; k < window; k++)
                {
                    if (k > 0)
                        for (int l = 0; l < nl; l++)
                            Layer(1, l, k, teacher ? x + (long)(window - k) * b * f : null, hs, cs, ap, tmp, panels, gates, tile0, tile1);
                    float* target = x + (long)(window - 1 - k) * b * f;
                    for (int tile = tile0; tile < tile1; tile++)
                    {
                        int lt = tile - tile0, r0 = tile * mr, mv = Math.Min(mr, b - r0);
                        float* hTop = hs + ((long)(nl - 1) * rowsCap + lt * mr) * h, yt = y + (long)lt * mr * ys;
                        Project(hTop, mv, wOut, panels + outPanels, ap, tmp, yt);
                        AddBiasAndSquaredError(yt, bOut, target + (long)r0 * f, mv, err + lt * mr);
                    }
                }
                float scale = 1f / ((float)window * f);
                for (int r = 0; r < rows; r++) ps[sOff + tile0 * mr + r] = err[r] * scale;
            }
        }

        /// <summary>
        /// One step of layer l of stack s (0 encoder, 1 decoder) for the part's tiles. The input is the layer below's
        /// new state, else <paramref name="input"/> [B, F] (x at this step), else (null) the part's reconstruction y.
        /// </summary>
        private void Layer(int s, int l, int step, float* input, float* hs, float* cs, float* ap, float* tmp, float* panels,
            float* gates, int tile0, int tile1)
        {
            int fin = l == 0 ? f : h, k = fin + h, g = 4 * h;
            float* w = panels + layerPanels[s * nl + l], bias = panels + biases + (long)(s * nl + l) * g;
            for (int group = tile0; group < tile1; group += EncDecTileGroup)
            {
                int groupEnd = Math.Min(tile1, group + EncDecTileGroup);
                for (int tile = group; tile < groupEnd; tile++)
                {
                    int lt = tile - tile0, r0 = tile * mr, mv = Math.Min(mr, b - r0);
                    float* hl = hs + ((long)l * rowsCap + lt * mr) * h, apt = ap + (long)(tile - group) * k * mr;
                    if (l > 0) GemmPack.PackA(hl - (long)rowsCap * h, false, mv, h, 0, mv, 0, h, apt, mr);
                    else if (input is not null) GemmPack.PackA(input, false, b, f, r0, mv, 0, f, apt, mr);
                    else GemmPack.PackA(hs + (long)nl * 2 * rowsCap * h + (long)lt * mr * ys, false, mv, ys, 0, mv, 0, f, apt, mr);
                    GemmPack.PackA(hl, false, mv, h, 0, mv, 0, h, apt + (long)fin * mr, mr);
                }
                // Panel-major over the group: each weight panel comes from L2 once and serves every tile from L1.
                for (int jr = 0; jr < g; jr += nr)
                {
                    float* panel = w + (long)(jr / nr) * k * nr;
                    for (int tile = group; tile < groupEnd; tile++)
                    {
                        int mv = Math.Min(mr, b - tile * mr);
                        SweepPanelGemm(path, k, ap + (long)(tile - group) * k * mr, panel, gates + (long)(tile - group) * mr * g + jr, g, 0f,
                            mv, Math.Min(nr, g - jr), tmp);
                    }
                }
                for (int tile = group; tile < groupEnd; tile++)
                {
                    int lt = tile - tile0, mv = Math.Min(mr, b - tile * mr);
                    float* hl = hs + ((long)l * rowsCap + lt * mr) * h, cl = cs + ((long)l * rowsCap + lt * mr) * h;
                    float* gt = gates + (long)(tile - group) * mr * g;
                    if (gru) GruTileCell(gt, bias, hl, mv, h);
                    else LstmTileCell(gt, bias, hl, cl, mv, h);
                }
            }
        }

        /// <summary>
        /// y [mv, F] (row stride ys) = hTop [mv, H] W_out^T, the bias still to add. With F &gt;= EncDecDotFeatures the rows
        /// are padded to whole panels, so the kernel stores its tile directly (the padding columns come out 0).
        /// </summary>
        private void Project(float* hTop, int mv, float* wOut, float* outPanels, float* ap, float* tmp, float* y)
        {
            if (f < EncDecDotFeatures)
            {
                for (int r = 0; r < mv; r++)
                    for (int j = 0; j < f; j++) y[r * ys + j] = Dot(hTop + (long)r * h, wOut + (long)j * h, h);
                return;
            }
            GemmPack.PackA(hTop, false, mv, h, 0, mv, 0, h, ap, mr);
            SweepTileGemm(path, mr, nr, h, ap, outPanels, y, ys, 0f, mv, tmp);
        }

        private static float Dot(float* a, float* w, int n)
        {
            int i = 0;
            var acc = Vector512<float>.Zero;
            for (; i <= n - 16; i += 16) acc = Vector512.FusedMultiplyAdd(Vector512.Load(a + i), Vector512.Load(w + i), acc);
            float s = Vector512.Sum(acc);
            for (; i < n; i++) s += a[i] * w[i];
            return s;
        }

        /// <summary>y += b_out (the reconstruction the free-running decoder feeds back), err[r] += |y_r - target_r|^2.</summary>
        private void AddBiasAndSquaredError(float* y, float* bOut, float* target, int mv, float* err)
        {
            for (int r = 0; r < mv; r++)
            {
                float* yr = y + (long)r * ys, tr = target + (long)r * f;
                var acc = Vector512<float>.Zero;
                int j = 0;
                for (; j <= f - 16; j += 16)
                {
                    var v = Vector512.Load(yr + j) + Vector512.Load(bOut + j);
                    Vector512.Store(v, yr + j);
                    var d = v - Vector512.Load(tr + j);
                    acc = Vector512.FusedMultiplyAdd(d, d, acc);
                }
                float s = Vector512.Sum(acc);
                for (; j < f; j++)
                {
                    float v = yr[j] + bOut[j];
                    yr[j] = v;
                    float d = v - tr[j];
                    s += d * d;
                }
                err[r] += s;
            }
        }
    }

    /// <summary>
    /// LSTM cell over a tile: gates [mv, 4H] (pre-activations without bias), bias [4H]; c [mv, H] in and out, h [mv, H]
    /// out. The arithmetic of LstmForwardRows, so a fused score matches the layer's steps.
    /// </summary>
    private static unsafe void LstmTileCell(float* gates, float* bias, float* h, float* c, int mv, int hidden)
    {
        int g = 4 * hidden;
        for (int r = 0; r < mv; r++)
        {
            float* a = gates + (long)r * g, hr = h + (long)r * hidden, cr = c + (long)r * hidden;
            int j = 0;
            if (Vector512.IsHardwareAccelerated)
                for (; j <= hidden - 16; j += 16)
                {
                    var i = CpuSimd.GateSigmoid512(Vector512.Load(a + j) + Vector512.Load(bias + j));
                    var fg = CpuSimd.GateSigmoid512(Vector512.Load(a + hidden + j) + Vector512.Load(bias + hidden + j));
                    var gg = CpuSimd.Tanh512(Vector512.Load(a + 2 * hidden + j) + Vector512.Load(bias + 2 * hidden + j));
                    var o = CpuSimd.GateSigmoid512(Vector512.Load(a + 3 * hidden + j) + Vector512.Load(bias + 3 * hidden + j));
                    var cn = fg * Vector512.Load(cr + j) + i * gg;
                    Vector512.Store(cn, cr + j);
                    Vector512.Store(o * CpuSimd.Tanh512(cn), hr + j);
                }
            for (; j < hidden; j++)
            {
                float i = ActivationMath.Sigmoid(a[j] + bias[j]), fg = ActivationMath.Sigmoid(a[hidden + j] + bias[hidden + j]);
                float gg = ActivationMath.Tanh(a[2 * hidden + j] + bias[2 * hidden + j]), o = ActivationMath.Sigmoid(a[3 * hidden + j] + bias[3 * hidden + j]);
                float cn = fg * cr[j] + i * gg;
                cr[j] = cn;
                hr[j] = o * ActivationMath.Tanh(cn);
            }
        }
    }

    /// <summary>GRU cell over a tile: gates [mv, 4H] = [r | z | n_x | n_h] pre-activations, bias as FoldBiases; h in and out.</summary>
    private static unsafe void GruTileCell(float* gates, float* bias, float* h, int mv, int hidden)
    {
        for (int row = 0; row < mv; row++)
        {
            float* hr = h + (long)row * hidden;
            GruSweepForwardRow(gates + (long)row * 4 * hidden, bias, hr, hr, hidden, keepGates: false);
        }
    }
}
