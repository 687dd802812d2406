using RnnEngine.Engine;
using RnnEngine.Engine.Layers;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Models.Bench;

/// <summary>
/// The peer's RecurrentAE (EncDec-AD, Malhotra et al. 2016) with LSTM or GRU cells, time-major. The encoder reads
/// x [L, B, F]; the decoder starts from the encoder's final state (all layers, h and c) and, teacher-forced, reads
/// x(L), ..., x(2); one Linear(H, F) maps [h_E(L) top; decoder outputs] to the reversed reconstruction x'(L), ..., x'(1).
/// Those L rows are one [L*B, H] sequence (row block 0 = the encoder's top final state, 1..L-1 = decoder outputs), so the
/// output layer forward and backward are one GEMM each, and the decoder runs as one layer call over L-1 steps.
/// The teacher-forced decoder inputs are the first L-1 steps of the reversed target: a view, no copy.
/// </summary>
public sealed class RecurrentAe : IBenchModel
{
    private readonly Backend device;
    private readonly BenchConfig cfg;
    private readonly IRecurrent encoder, decoder;
    private readonly Linear output;
    private readonly WindowTargets targets;
    private readonly List<Parameter> parameters;

    // L = window, NL = layers.
    private readonly Tensor encY, hN, cN;          // [L, B, H], [NL, B, H] x 2
    private readonly Tensor hidden, hiddenFlat;    // [L, B, H]: row 0 = encoder top h(L), rows 1.. = decoder outputs
    private readonly Tensor decY, decIn, hTop, hiddenFirst; // views: hidden[1..], reversed target[0..L-2], hN[NL-1], hidden[0]
    private readonly Tensor rec, recFlat, dRec;    // [L, B, F] reversed reconstruction and its gradient
    private readonly Tensor dHidden, dHiddenFlat, dDecY, dFirst; // [L, B, H] and views
    private readonly Tensor dh0, dc0, dh0Top, zeroDy;
    private readonly Tensor stepH, stepC, stepY;   // free-running decoding state
    private readonly Tensor[] recSteps;

    public RecurrentAe(Backend device, BenchConfig cfg)
    {
        cfg.Validate();
        this.device = device;
        this.cfg = cfg;
        int f = cfg.Features, h = cfg.Hidden, b = cfg.Batch, l = cfg.Window, nl = cfg.Layers;
        parameters = [];
        (encoder, decoder) = cfg.Arch switch
        {
            BenchArch.Lstm => ((IRecurrent)new Lstm(device, f, h, nl, seed: cfg.Seed), (IRecurrent)new Lstm(device, f, h, nl, seed: cfg.Seed + 1)),
            BenchArch.Gru => (new Gru(device, f, h, nl, seed: cfg.Seed), new Gru(device, f, h, nl, seed: cfg.Seed + 1)),
            _ => throw new ArgumentException($"recurrent-ae: arch {cfg.ArchName} is not lstm or gru"),
        };
        parameters.AddRange(encoder.Parameters);
        parameters.AddRange(decoder.Parameters);
        output = new Linear(device, h, f, bias: true, seed: cfg.Seed + 2);
        parameters.AddRange(output.Parameters);

        targets = new WindowTargets(device, l, b, f);
        encY = device.Zeros(l, b, h);
        hN = device.Zeros(nl, b, h);
        cN = device.Zeros(nl, b, h);
        hTop = hN.At(nl - 1);
        hidden = device.Zeros(l, b, h);
        hiddenFlat = hidden.Reshape(l * b, h);
        hiddenFirst = hidden.At(0);
        decY = hidden.Slice(b * h, l - 1, b, h);
        decIn = targets.Reversed.Slice(0, l - 1, b, f);
        rec = device.Zeros(l, b, f);
        recFlat = rec.Reshape(l * b, f);
        recSteps = new Tensor[l];
        for (int k = 0; k < l; k++) recSteps[k] = rec.At(k);
        dRec = device.Zeros(l * b, f);
        dHidden = device.Zeros(l, b, h);
        dHiddenFlat = dHidden.Reshape(l * b, h);
        dDecY = dHidden.Slice(b * h, l - 1, b, h);
        dFirst = dHidden.At(0);
        dh0 = device.Zeros(nl, b, h);
        dc0 = device.Zeros(nl, b, h);
        dh0Top = dh0.At(nl - 1);
        zeroDy = device.Zeros(l, b, h);
        stepH = device.Zeros(nl, b, h);
        stepC = device.Zeros(nl, b, h);
        stepY = device.Zeros(b, h);
    }

    public IReadOnlyList<Parameter> Parameters => parameters;

    /// <summary>Score through the backend's fused encoder-decoder pass where it has one (on by default; off to compare).</summary>
    public bool FusedScore { get; set; } = true;

    public float TrainLoss(Tensor x)
    {
        targets.Load(x);
        Forward(x, training: true);
        output.Forward(hiddenFlat, recFlat);
        float loss = device.MseLoss(recFlat, targets.ReversedFlat, dRec);
        output.Backward(dRec, dHiddenFlat);
        // The decoder's inputs are data (teacher forcing): no input gradient. (A GRU ignores the c gradients.)
        decoder.Backward(dDecY, null, null, null, dh0, dc0);
        device.Add(dh0Top, dFirst, dh0Top);
        // Only the final state feeds the rest of the model: the encoder's output sequence gets a zero gradient.
        encoder.Backward(zeroDy, dh0, dc0, null, null, null);
        return loss;
    }

    public void Score(Tensor x, bool teacher, Tensor scores)
    {
        if (FusedScore && EncDecScorer.TryScore(encoder, decoder, output, x, teacher, scores)) return;
        targets.Load(x);
        if (teacher)
        {
            Forward(x, training: false);
            Project(hiddenFlat, recFlat);
        }
        else
        {
            encoder.Forward(x, null, null, encY, hN, cN, training: false);
            Project(hTop, recSteps[0]);
            device.Copy(hN, stepH);
            device.Copy(cN, stepC);
            for (int k = 1; k < cfg.Window; k++)
            {
                decoder.Step(recSteps[k - 1], stepH, stepC, stepY);
                Project(stepY, recSteps[k]);
            }
        }
        targets.Score(recFlat, scores);
    }

    /// <summary>Encoder over x, then the teacher-forced decoder from its final state, filling <see cref="hidden"/>.</summary>
    private void Forward(Tensor x, bool training)
    {
        encoder.Forward(x, null, null, encY, hN, cN, training);
        decoder.Forward(decIn, hN, cN, decY, null, null, training);
        device.Copy(hTop, hiddenFirst);
    }

    // Inference-only output layer: no saved input (Linear.Forward keeps a copy for its backward).
    private void Project(Tensor h, Tensor y)
    {
        device.Gemm(false, true, 1f, h, output.Weight.Value, 0f, y);
        device.AddBias(y, output.Bias!.Value, y);
    }

    public double ReferenceLoss(float[] x) => BenchReference.RecurrentAeLoss(cfg, x, parameters);

    public void Dispose()
    {
        encoder.Dispose(); decoder.Dispose();
        output.Dispose();
        targets.Dispose();
        foreach (var t in new[] { encY, hN, cN, hidden, rec, dRec, dHidden, dh0, dc0, zeroDy, stepH, stepC, stepY }) t.Dispose();
    }
}
