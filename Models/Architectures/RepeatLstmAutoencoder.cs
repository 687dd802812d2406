using RnnEngine.Engine;
using RnnEngine.Engine.Layers;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Models.Architectures;

public enum ReconstructionLoss { L2, L1 }

/// <summary>
/// Seed 000's LSTM autoencoder (hsteude/Anomaly-Detection-LSTM-GRU, models/lit_module.py): encoder LSTM F -> H and
/// LSTM H -> E; the embedding is the second one's final hidden state [B, E], repeated T times (RepeatVector, no teacher
/// forcing, no reversal); decoder LSTM E -> H, then either LSTM H -> F whose hidden states ARE the output (the seed:
/// bounded to (-1, 1) by tanh while the inputs are standard-scaled, so large scaled values cannot be reconstructed) or,
/// by default, LSTM H -> H and a linear head H -> F per step. The loss is L2 (MSE) or L1 (the seed trained with
/// MeanAbsoluteError imported under the name "MSE").
/// </summary>
public sealed class RepeatLstmAutoencoder : IWindowModel
{
    private readonly Lstm enc1, enc2, dec1, dec2;
    private readonly Linear? head;
    private readonly List<Parameter> parameters;
    private readonly int decOut;

    private int batch = -1;
    // x [T,B,F], e1 [T,B,H], e2 [T,B,E], emb [1,B,E], rep [T,B,E], d1 [T,B,H], d2 [T,B,decOut], output [T,B,F]
    private Tensor x = null!, e1 = null!, e2 = null!, emb = null!, rep = null!, d1 = null!, d2 = null!, output = null!;
    private Tensor target = null!, gradOut = null!, gradD2 = null!, gradD1 = null!, gradRep = null!, gradEmb = null!;
    private Tensor zeroE2 = null!, gradE1 = null!;
    private float[] hostIn = [];

    public RepeatLstmAutoencoder(Backend device, int window, int features, int hidden, int embedding, bool linearHead = true,
        ReconstructionLoss loss = ReconstructionLoss.L2, ulong seed = 0)
    {
        if (window <= 0 || features <= 0 || hidden <= 0 || embedding <= 0)
            throw new ArgumentException($"repeat-lstm-ae: window {window}, features {features}, hidden {hidden}, embedding {embedding} must be positive");
        Device = device;
        Window = window;
        Features = features;
        Hidden = hidden;
        Embedding = embedding;
        LinearHead = linearHead;
        Loss = loss;
        decOut = linearHead ? hidden : features;
        // one seed, a distinct one per layer, so the four LSTMs do not start from the same weights
        enc1 = new Lstm(device, features, hidden, seed: seed);
        enc2 = new Lstm(device, hidden, embedding, seed: seed + 1);
        dec1 = new Lstm(device, embedding, hidden, seed: seed + 2);
        dec2 = new Lstm(device, hidden, decOut, seed: seed + 3);
        head = linearHead ? new Linear(device, hidden, features, bias: true, seed: seed + 4) : null;
        parameters = [.. enc1.Parameters, .. enc2.Parameters, .. dec1.Parameters, .. dec2.Parameters, .. head?.Parameters ?? []];
        ParameterNames =
        [
            .. enc1.Parameters.Select(p => "encoder1." + p.Name), .. enc2.Parameters.Select(p => "encoder2." + p.Name),
            .. dec1.Parameters.Select(p => "decoder1." + p.Name), .. dec2.Parameters.Select(p => "decoder2." + p.Name),
            .. (head?.Parameters ?? []).Select(p => "head." + p.Name),
        ];
    }

    public string Kind => "repeat-lstm-ae";
    public Backend Device { get; }
    public int Window { get; }
    public int Features { get; }
    public int Hidden { get; }
    public int Embedding { get; }
    public bool LinearHead { get; }
    public ReconstructionLoss Loss { get; }
    public IReadOnlyList<Parameter> Parameters => parameters;
    public IReadOnlyList<string> ParameterNames { get; }

    /// <summary>Returns the training loss of <see cref="Loss"/> (mean over B, T, F), not always the MSE.</summary>
    public float TrainStep(ReadOnlySpan<float> input, ReadOnlySpan<float> targets, int batchSize)
    {
        Forward(input, batchSize, training: true);
        Check(targets, batchSize, "target");
        HostLayout.ToTimeMajor(targets, hostIn, batchSize, Window, Features);
        target.CopyFrom(hostIn);
        float loss = Loss == ReconstructionLoss.L2 ? Device.MseLoss(output, target, gradOut) : Device.MaeLoss(output, target, gradOut);
        BackwardTimeMajor();
        return loss;
    }

    public void Predict(ReadOnlySpan<float> input, int batchSize, Span<float> result)
    {
        Forward(input, batchSize, training: false);
        output.CopyTo(hostIn);
        HostLayout.ToBatchMajor(hostIn, result, batchSize, Window, Features);
    }

    /// <summary>Forward then backward of an arbitrary output gradient [B, T, F] (the model gradcheck); returns the output [B, T, F].</summary>
    public float[] ForwardBackward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, int batchSize)
    {
        Forward(input, batchSize, training: true);
        var result = new float[input.Length];
        output.CopyTo(hostIn);
        HostLayout.ToBatchMajor(hostIn, result, batchSize, Window, Features);
        Check(outputGradient, batchSize, "output gradient");
        HostLayout.ToTimeMajor(outputGradient, hostIn, batchSize, Window, Features);
        gradOut.CopyFrom(hostIn);
        BackwardTimeMajor();
        return result;
    }

    private void Forward(ReadOnlySpan<float> input, int batchSize, bool training)
    {
        Check(input, batchSize, "input");
        Ensure(batchSize);
        HostLayout.ToTimeMajor(input, hostIn, batchSize, Window, Features);
        x.CopyFrom(hostIn);
        enc1.Forward(x, null, null, e1, null, null, training);
        enc2.Forward(e1, null, null, e2, emb, null, training);
        Device.RepeatVector(emb.Reshape(batchSize, Embedding), rep);
        dec1.Forward(rep, null, null, d1, null, null, training);
        if (head is null)
        {
            dec2.Forward(d1, null, null, output, null, null, training);
            return;
        }
        dec2.Forward(d1, null, null, d2, null, null, training);
        head.Forward(d2.Reshape(Window * batchSize, Hidden), output.Reshape(Window * batchSize, Features));
    }

    /// <summary>Backward from gradOut [T, B, F]; accumulates every parameter gradient.</summary>
    private void BackwardTimeMajor()
    {
        int b = batch;
        if (head is not null)
        {
            head.Backward(gradOut.Reshape(Window * b, Features), gradD2.Reshape(Window * b, Hidden));
            dec2.Backward(gradD2, null, null, gradD1, null, null);
        }
        else dec2.Backward(gradOut, null, null, gradD1, null, null);
        dec1.Backward(gradD1, null, null, gradRep, null, null);
        Device.SumOverTime(gradRep, gradEmb.Reshape(b, Embedding));
        // only the final hidden state of encoder 2 is used: its per-step outputs get no gradient
        enc2.Backward(zeroE2, gradEmb, null, gradE1, null, null);
        enc1.Backward(gradE1, null, null, null, null, null);
    }

    private void Check(ReadOnlySpan<float> values, int batchSize, string what)
    {
        if (values.Length != batchSize * Window * Features)
            throw new ArgumentException($"{Kind}: {what} has {values.Length} values, expected [B={batchSize}, T={Window}, F={Features}]");
    }

    private void Ensure(int b)
    {
        if (b == batch) return;
        FreeBuffers();
        batch = b;
        x = Device.Zeros(Window, b, Features);
        e1 = Device.Zeros(Window, b, Hidden);
        e2 = Device.Zeros(Window, b, Embedding);
        emb = Device.Zeros(1, b, Embedding);
        rep = Device.Zeros(Window, b, Embedding);
        d1 = Device.Zeros(Window, b, Hidden);
        d2 = Device.Zeros(Window, b, decOut);
        output = Device.Zeros(Window, b, Features);
        target = Device.Zeros(Window, b, Features);
        gradOut = Device.Zeros(Window, b, Features);
        gradD2 = Device.Zeros(Window, b, decOut);
        gradD1 = Device.Zeros(Window, b, Hidden);
        gradRep = Device.Zeros(Window, b, Embedding);
        gradEmb = Device.Zeros(1, b, Embedding);
        zeroE2 = Device.Zeros(Window, b, Embedding);
        gradE1 = Device.Zeros(Window, b, Hidden);
        hostIn = new float[Window * b * Features];
    }

    private void FreeBuffers()
    {
        if (batch < 0) return;
        foreach (var t in new[] { x, e1, e2, emb, rep, d1, d2, output, target, gradOut, gradD2, gradD1, gradRep, gradEmb, zeroE2, gradE1 })
            t.Dispose();
        batch = -1;
    }

    public void Dispose()
    {
        FreeBuffers();
        enc1.Dispose();
        enc2.Dispose();
        dec1.Dispose();
        dec2.Dispose();
        head?.Dispose();
    }
}
