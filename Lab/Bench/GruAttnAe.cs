using RnnEngine.Engine;
using RnnEngine.Engine.Layers;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Models.Bench;

/// <summary>
/// The peer's GruAttnAE: GRU encoder, Bahdanau attention (query = the top decoder state before the step), a stack of
/// GRU cells as decoder (first cell input [y_prev; ctx_t], y_prev = 0 at the first step, then x(L), x(L-1), ... when
/// teacher-forced or the previous output when free-running), output Linear([s_t; ctx_t]) -> x'(L), ..., x'(1).
///
/// Layout: the first cell's W_ih [3H, F + H] and the output's W [F, 2H] are kept as their two column blocks (w_y/w_c and
/// w_os/w_oc; the same values and count as PyTorch's), so that the parts that do not depend on the recurrence are one
/// GEMM over all L steps: the y_prev projection (teacher-forced), the output layer, and every weight gradient.
/// Per step: attention, then per cell one GEMM for the recurrent term (+ one for the context or the cell below) and one
/// fused GRU-cell pass. Backward sweeps the steps in reverse with the same GEMMs transposed.
/// </summary>
public sealed class GruAttnAe : IBenchModel
{
    private readonly Backend device;
    private readonly BenchConfig cfg;
    private readonly Gru encoder;
    private readonly BahdanauAttention attention;
    private readonly Parameter wy, wos, woc, bo;                 // [3H, F], [F, H], [F, H], [F]
    private readonly Parameter[] wih, whh, bih, bhh;            // per cell: wih[0] = w_c [3H, H] (the context block)
    private readonly WindowTargets targets;
    private readonly List<Parameter> parameters;

    // L = window, NL = layers (cells); every per-step view is made here, once.
    private readonly Tensor encY, encHN, dEncY, dEncHN;         // [L, B, H], [NL, B, H]
    private readonly Tensor[] states, gates, dgx, dgh;          // per cell: [L+1, B, H], [L, B, 4H], [L, B, 3H] x 2
    private readonly Tensor[][] stateAt, gatesAt, dgxAt, dghAt;
    private readonly Tensor[] statesPrev, statesNext, dh;       // per cell: [L*B, H] views s_-1..s_L-2 and s_0..s_L-1; [B, H] carries
    private readonly Tensor[] dgxFlat, dghFlat;                 // per cell: [L*B, 3H] views
    private readonly Tensor[] encHNAt;
    private readonly Tensor gx0, gx0Flat, yPrev, yPrevFlat, yPrevTail, ctx, ctxFlat, dCtx, dCtxFlat, dTop, dTopFlat;
    private readonly Tensor[] gx0At, yPrevAt, ctxAt, dCtxAt, dTopAt, recAt;
    private readonly Tensor gxScratch, gh, dIn, dQuery;         // [B, 3H] x 2, [B, H] x 2
    private readonly Tensor rec, recFlat, dRec, reversedHead;   // [L, B, F], [L*B, F], [(L-1), B, F] view

    public GruAttnAe(Backend device, BenchConfig cfg)
    {
        cfg.Validate();
        this.device = device;
        this.cfg = cfg;
        int f = cfg.Features, h = cfg.Hidden, b = cfg.Batch, l = cfg.Window, nl = cfg.Layers;
        encoder = new Gru(device, f, h, nl, seed: cfg.Seed);
        attention = new BahdanauAttention(device, h, h, h, cfg.Seed + 1);
        wih = new Parameter[nl]; whh = new Parameter[nl]; bih = new Parameter[nl]; bhh = new Parameter[nl];
        wy = new Parameter(device, "cell0.weight_ih_y", 3 * h, f);
        var cells = new List<Parameter> { wy };
        for (int i = 0; i < nl; i++)
        {
            wih[i] = new Parameter(device, i == 0 ? "cell0.weight_ih_ctx" : $"cell{i}.weight_ih", 3 * h, h);
            whh[i] = new Parameter(device, $"cell{i}.weight_hh", 3 * h, h);
            bih[i] = new Parameter(device, $"cell{i}.bias_ih", 3 * h);
            bhh[i] = new Parameter(device, $"cell{i}.bias_hh", 3 * h);
            cells.AddRange([wih[i], whh[i], bih[i], bhh[i]]);
        }
        // nn.GRUCell: uniform(+-1/sqrt(H)) for every cell tensor.
        for (int p = 0; p < cells.Count; p++) cells[p].InitUniform(1 / Math.Sqrt(h), cfg.Seed + 2, (ulong)p);
        wos = new Parameter(device, "out.weight_s", f, h);
        woc = new Parameter(device, "out.weight_ctx", f, h);
        bo = new Parameter(device, "out.bias", f);
        // nn.Linear(2H, F): uniform(+-1/sqrt(2H)) for weight and bias.
        double outBound = 1 / Math.Sqrt(2 * h);
        wos.InitUniform(outBound, cfg.Seed + 3, 0);
        woc.InitUniform(outBound, cfg.Seed + 3, 1);
        bo.InitUniform(outBound, cfg.Seed + 3, 2);
        parameters = [.. encoder.Parameters, .. attention.Parameters, .. cells, wos, woc, bo];

        targets = new WindowTargets(device, l, b, f);
        encY = device.Zeros(l, b, h);
        dEncY = device.Zeros(l, b, h);
        encHN = device.Zeros(nl, b, h);
        dEncHN = device.Zeros(nl, b, h);
        encHNAt = Steps(encHN);
        states = new Tensor[nl]; gates = new Tensor[nl]; dgx = new Tensor[nl]; dgh = new Tensor[nl];
        stateAt = new Tensor[nl][]; gatesAt = new Tensor[nl][]; dgxAt = new Tensor[nl][]; dghAt = new Tensor[nl][];
        statesPrev = new Tensor[nl]; statesNext = new Tensor[nl]; dgxFlat = new Tensor[nl]; dghFlat = new Tensor[nl];
        dh = Steps(dEncHN); // the carried state gradients end as the encoder's final-state gradients
        for (int i = 0; i < nl; i++)
        {
            states[i] = device.Zeros(l + 1, b, h);
            gates[i] = device.Zeros(l, b, 4 * h);
            dgx[i] = device.Zeros(l, b, 3 * h);
            dgh[i] = device.Zeros(l, b, 3 * h);
            stateAt[i] = Steps(states[i]); gatesAt[i] = Steps(gates[i]); dgxAt[i] = Steps(dgx[i]); dghAt[i] = Steps(dgh[i]);
            statesPrev[i] = states[i].Slice(0, l * b, h);
            statesNext[i] = states[i].Slice(b * h, l * b, h);
            dgxFlat[i] = dgx[i].Reshape(l * b, 3 * h);
            dghFlat[i] = dgh[i].Reshape(l * b, 3 * h);
        }
        gx0 = device.Zeros(l, b, 3 * h); gx0At = Steps(gx0); gx0Flat = gx0.Reshape(l * b, 3 * h);
        yPrev = device.Zeros(l, b, f); yPrevAt = Steps(yPrev);
        yPrevFlat = yPrev.Reshape(l * b, f);
        yPrevTail = yPrev.Slice(b * f, l - 1, b, f);
        reversedHead = targets.Reversed.Slice(0, l - 1, b, f);
        ctx = device.Zeros(l, b, h); ctxAt = Steps(ctx); ctxFlat = ctx.Reshape(l * b, h);
        dCtx = device.Zeros(l, b, h); dCtxAt = Steps(dCtx); dCtxFlat = dCtx.Reshape(l * b, h);
        dTop = device.Zeros(l, b, h); dTopAt = Steps(dTop); dTopFlat = dTop.Reshape(l * b, h);
        gxScratch = device.Zeros(b, 3 * h);
        gh = device.Zeros(b, 3 * h);
        dIn = device.Zeros(b, h);
        dQuery = device.Zeros(b, h);
        rec = device.Zeros(l, b, f); recAt = Steps(rec); recFlat = rec.Reshape(l * b, f);
        dRec = device.Zeros(l * b, f);
    }

    public IReadOnlyList<Parameter> Parameters => parameters;

    public float TrainLoss(Tensor x)
    {
        targets.Load(x);
        Forward(x, teacher: true, training: true);
        float loss = device.MseLoss(recFlat, targets.ReversedFlat, dRec);
        Backward();
        return loss;
    }

    public void Score(Tensor x, bool teacher, Tensor scores)
    {
        targets.Load(x);
        Forward(x, teacher, training: false);
        targets.Score(recFlat, scores);
    }

    private void Forward(Tensor x, bool teacher, bool training)
    {
        int l = cfg.Window, top = cfg.Layers - 1;
        encoder.Forward(x, null, encY, encHN, training);
        attention.SetEncoder(encY, null, l);
        for (int i = 0; i <= top; i++) device.Copy(encHNAt[i], stateAt[i][0]);
        // y_prev: 0 at the first step, then (teacher-forced) the reversed target shifted by one step.
        device.Fill(yPrevAt[0], 0f);
        if (teacher)
        {
            device.Copy(reversedHead, yPrevTail);
            device.Gemm(false, true, 1f, yPrevFlat, wy.Value, 0f, gx0Flat);
        }
        for (int t = 0; t < l; t++)
        {
            if (!teacher)
            {
                if (t > 0) device.Copy(recAt[t - 1], yPrevAt[t]);
                device.Gemm(false, true, 1f, yPrevAt[t], wy.Value, 0f, gx0At[t]);
            }
            attention.Forward(t, stateAt[top][t], ctxAt[t], training: training);
            device.Gemm(false, true, 1f, ctxAt[t], wih[0].Value, 1f, gx0At[t]);
            for (int i = 0; i <= top; i++)
            {
                Tensor gxi = gx0At[t];
                if (i > 0)
                {
                    device.Gemm(false, true, 1f, stateAt[i - 1][t + 1], wih[i].Value, 0f, gxScratch);
                    gxi = gxScratch;
                }
                device.Gemm(false, true, 1f, stateAt[i][t], whh[i].Value, 0f, gh);
                device.GruCellForward(gxi, gh, bih[i].Value, bhh[i].Value, stateAt[i][t], stateAt[i][t + 1], gatesAt[i][t]);
            }
            if (!teacher) Output(stateAt[top][t + 1], ctxAt[t], recAt[t]);
        }
        if (teacher) Output(statesNext[top], ctxFlat, recFlat);
    }

    /// <summary>y = s W_os^T + ctx W_oc^T + b: Linear([s; ctx]) with the weight's two column blocks.</summary>
    private void Output(Tensor s, Tensor context, Tensor y)
    {
        device.Gemm(false, true, 1f, s, wos.Value, 0f, y);
        device.Gemm(false, true, 1f, context, woc.Value, 1f, y);
        device.AddBias(y, bo.Value, y);
    }

    private void Backward()
    {
        int l = cfg.Window, top = cfg.Layers - 1;
        // Output layer over all steps: gradients of the top states and of the contexts, and of its parameters.
        device.Gemm(false, false, 1f, dRec, wos.Value, 0f, dTopFlat);
        device.Gemm(false, false, 1f, dRec, woc.Value, 0f, dCtxFlat);
        device.Gemm(true, false, 1f, dRec, statesNext[top], 1f, wos.Grad);
        device.Gemm(true, false, 1f, dRec, ctxFlat, 1f, woc.Grad);
        device.ColumnSum(dRec, bo.Grad, accumulate: true);

        for (int i = 0; i <= top; i++) device.Fill(dh[i], 0f);
        for (int t = l - 1; t >= 0; t--)
        {
            for (int i = top; i >= 0; i--)
            {
                Tensor dy = i == top ? dTopAt[t] : dIn;
                device.GruCellBackward(dy, dh[i], stateAt[i][t], gatesAt[i][t], dgxAt[i][t], dghAt[i][t]);
                device.Gemm(false, false, 1f, dghAt[i][t], whh[i].Value, 1f, dh[i]);
                // the input gradient: the cell below's state at this step, or (first cell) this step's context
                if (i > 0) device.Gemm(false, false, 1f, dgxAt[i][t], wih[i].Value, 0f, dIn);
                else device.Gemm(false, false, 1f, dgxAt[0][t], wih[0].Value, 1f, dCtxAt[t]);
            }
            // the query of step t was the top state before it
            attention.Backward(t, dCtxAt[t], dQuery);
            device.Add(dh[top], dQuery, dh[top]);
        }
        attention.BackwardEncoder(dEncY);

        // Weight gradients of the cells, each one GEMM over all steps.
        for (int i = 0; i <= top; i++)
        {
            if (i == 0)
            {
                device.Gemm(true, false, 1f, dgxFlat[0], yPrevFlat, 1f, wy.Grad);
                device.Gemm(true, false, 1f, dgxFlat[0], ctxFlat, 1f, wih[0].Grad);
            }
            else device.Gemm(true, false, 1f, dgxFlat[i], statesNext[i - 1], 1f, wih[i].Grad);
            device.Gemm(true, false, 1f, dghFlat[i], statesPrev[i], 1f, whh[i].Grad);
            device.ColumnSum(dgxFlat[i], bih[i].Grad, accumulate: true);
            device.ColumnSum(dghFlat[i], bhh[i].Grad, accumulate: true);
        }
        encoder.Backward(dEncY, dEncHN, null, null);
    }

    public double ReferenceLoss(float[] x)
    {
        int l = cfg.Window, b = cfg.Batch, f = cfg.Features, h = cfg.Hidden, nl = cfg.Layers, bh = b * h, bf = b * f;
        double[] xd = BenchReference.ToDouble(x), xr = BenchReference.Reverse(xd, l, bf);
        var encW = new double[nl][][];
        var ep = encoder.Parameters.Select(BenchReference.ToDouble).ToArray();
        for (int i = 0; i < nl; i++) encW[i] = ep[(4 * i)..(4 * i + 4)];
        var encOut = new double[l * bh];
        var s = new double[nl * bh];
        Reference.Gru(l, b, f, h, nl, xd, [], encW, encOut, s);
        var ap = attention.Parameters.Select(BenchReference.ToDouble).ToArray(); // w_key, b_key, w_query, v
        double[] dWy = BenchReference.ToDouble(wy), dWos = BenchReference.ToDouble(wos), dWoc = BenchReference.ToDouble(woc),
            dBo = BenchReference.ToDouble(bo);
        var cw = new double[nl][];
        var cu = new double[nl][];
        var cbi = new double[nl][];
        var cbh = new double[nl][];
        for (int i = 0; i < nl; i++)
        {
            cw[i] = BenchReference.ToDouble(wih[i]); cu[i] = BenchReference.ToDouble(whh[i]);
            cbi[i] = BenchReference.ToDouble(bih[i]); cbh[i] = BenchReference.ToDouble(bhh[i]);
        }
        var rec = new double[l * bf];
        var context = new double[bh];
        var weights = new double[l * b];
        var gxv = new double[b * 3 * h];
        var gxc = new double[b * 3 * h];
        var ghv = new double[b * 3 * h];
        var gateSave = new double[b * 4 * h];
        var next = new double[bh];
        var yp = new double[bf];
        var outS = new double[bf];
        var outC = new double[bf];
        for (int t = 0; t < l; t++)
        {
            Reference.BahdanauAttention(l, b, h, h, h, encOut, s.AsSpan((nl - 1) * bh, bh), [], ap[0], ap[1], ap[2], ap[3],
                context, weights);
            for (int i = 0; i < nl; i++)
            {
                if (i == 0)
                {
                    Reference.Linear(b, f, 3 * h, yp, dWy, [], gxv);
                    Reference.Linear(b, h, 3 * h, context, cw[0], [], gxc);
                    for (int k = 0; k < gxv.Length; k++) gxv[k] += gxc[k];
                }
                else Reference.Linear(b, h, 3 * h, s.AsSpan((i - 1) * bh, bh), cw[i], [], gxv);
                Reference.Linear(b, h, 3 * h, s.AsSpan(i * bh, bh), cu[i], [], ghv);
                Reference.GruCellForward(b, h, gxv, ghv, cbi[i], cbh[i], s.AsSpan(i * bh, bh), next, gateSave);
                next.CopyTo(s, i * bh);
            }
            Reference.Linear(b, h, f, s.AsSpan((nl - 1) * bh, bh), dWos, [], outS);
            Reference.Linear(b, h, f, context, dWoc, dBo, outC);
            for (int k = 0; k < bf; k++) rec[t * bf + k] = outS[k] + outC[k];
            // teacher forcing: the next step is fed x(L - t), i.e. the reversed target of this step
            Array.Copy(xr, t * bf, yp, 0, bf);
        }
        return Reference.MseLoss(rec, xr, []);
    }

    private static Tensor[] Steps(Tensor sequence)
    {
        var v = new Tensor[sequence.Dim(0)];
        for (int i = 0; i < v.Length; i++) v[i] = sequence.At(i);
        return v;
    }

    public void Dispose()
    {
        encoder.Dispose();
        attention.Dispose();
        targets.Dispose();
        foreach (var p in new[] { wy, wos, woc, bo }) p.Dispose();
        for (int i = 0; i < cfg.Layers; i++) { wih[i].Dispose(); whh[i].Dispose(); bih[i].Dispose(); bhh[i].Dispose(); }
        foreach (var t in states.Concat(gates).Concat(dgx).Concat(dgh)) t.Dispose();
        foreach (var t in new[] { encY, dEncY, encHN, dEncHN, gx0, yPrev, ctx, dCtx, dTop, gxScratch, gh, dIn, dQuery, rec, dRec }) t.Dispose();
    }
}
