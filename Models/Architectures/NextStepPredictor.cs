using RnnEngine.Engine;
using RnnEngine.Engine.Layers;
using RnnEngine.Engine.Rng;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Models.Architectures;

/// <summary>
/// Seed 002's next-event predictor: recurrent(H1, sequences) -> dropout -> recurrent(H2) -> dropout -> linear head to
/// the F event features. Two separate layer objects because the widths differ (128 -> 64 in the seed); dropout between
/// them through the Dropout op, driven by one seed and a running offset. The head is applied at every step, so output
/// step t is the prediction of event t + 1 from events 0..t: the trainer is given the window shifted by one event as its
/// target and every prefix contributes to the loss (the seed trained only the last step; the last step's function is
/// the same, the extra steps are more training signal per window). The detector scores the last step only: the
/// prediction of the event right after the window, from the full 30-event context. The seed's LSTMs used relu; the
/// engine's cells are the PyTorch tanh cells.
/// </summary>
public sealed class NextStepPredictor : IWindowModel
{
    private readonly IRecurrent rnn1, rnn2;
    private readonly Linear head;
    private readonly List<Parameter> parameters;
    private ulong dropoutOffset;

    private int batch = -1;
    private Tensor x = null!, y1 = null!, y1d = null!, mask1 = null!, y2 = null!, y2d = null!, mask2 = null!;
    private Tensor outTm = null!, target = null!, gradOut = null!, dy2 = null!, dy1 = null!;
    private Tensor y2Flat = null!, y2dFlat = null!, dy2Flat = null!;   // [T*B, H2] views for the head
    private float[] hostX = [], hostOut = [];

    public NextStepPredictor(Backend device, RecurrentCell cell, int window, int features, int hidden1, int hidden2, float dropout, ulong seed)
    {
        if (!(dropout >= 0f && dropout < 1f)) throw new ArgumentOutOfRangeException(nameof(dropout), $"next-step: dropout {dropout}, expected 0 <= p < 1");
        Device = device;
        Cell = cell;
        Window = window;
        Features = features;
        Hidden1 = hidden1;
        Hidden2 = hidden2;
        Dropout = dropout;
        DropoutSeed = DropoutSeedFor(seed);
        rnn1 = cell.Create(device, features, hidden1, seed);
        rnn2 = cell.Create(device, hidden1, hidden2, seed + 1);
        IReadOnlyList<Parameter> p1 = rnn1.Parameters, p2 = rnn2.Parameters;
        head = new Linear(device, hidden2, features, bias: true, seed: seed + 2);
        parameters = [.. p1, .. p2, .. head.Parameters];
        ParameterNames = [.. p1.Select(p => "rnn1." + p.Name), .. p2.Select(p => "rnn2." + p.Name), .. head.Parameters.Select(p => "head." + p.Name)];
    }

    public RecurrentCell Cell { get; }
    public string Kind => Cell == RecurrentCell.Lstm ? "next-step-lstm" : "next-step-gru";
    public Backend Device { get; }
    public int Window { get; }
    public int Features { get; }
    public int Hidden1 { get; }
    public int Hidden2 { get; }
    public float Dropout { get; }
    /// <summary>The dropout masks are CounterRng.Uniform(DropoutSeed, offset + i); the offset starts at 0 and advances by each mask's length.</summary>
    public ulong DropoutSeed { get; }
    public static ulong DropoutSeedFor(ulong seed) => CounterRng.Hash(seed, 0xD209);
    public IReadOnlyList<Parameter> Parameters => parameters;
    public IReadOnlyList<string> ParameterNames { get; }

    /// <summary>input [B, T, F]; targets [B, T, F] = the window shifted by one event. MSE over every step.</summary>
    public float TrainStep(ReadOnlySpan<float> input, ReadOnlySpan<float> targets, int batchSize)
    {
        ForwardAll(input, batchSize, training: true);
        Check(targets, batchSize, "target");
        HostLayout.ToTimeMajor(targets, hostX, batchSize, Window, Features);
        target.CopyFrom(hostX);
        float loss = Device.MseLoss(outTm, target, gradOut);
        head.Backward(gradOut, dy2Flat);
        if (Dropout > 0f) Device.DropoutBackward(dy2, mask2, dy2);
        rnn2.Backward(dy2, null, null, dy1, null, null);
        if (Dropout > 0f) Device.DropoutBackward(dy1, mask1, dy1);
        rnn1.Backward(dy1, null, null, null, null, null);
        return loss;
    }

    /// <summary>output [B, T, F]: step t predicts event t + 1.</summary>
    public void Predict(ReadOnlySpan<float> input, int batchSize, Span<float> output)
    {
        if (output.Length != batchSize * Window * Features)
            throw new ArgumentException($"{Kind}: output has {output.Length} values, expected [B={batchSize}, T={Window}, F={Features}]");
        ForwardAll(input, batchSize, training: false);
        outTm.CopyTo(hostOut);
        HostLayout.ToBatchMajor(hostOut, output, batchSize, Window, Features);
    }

    private void ForwardAll(ReadOnlySpan<float> input, int batchSize, bool training)
    {
        Check(input, batchSize, "input");
        Ensure(batchSize);
        HostLayout.ToTimeMajor(input, hostX, batchSize, Window, Features);
        x.CopyFrom(hostX);
        bool drop = training && Dropout > 0f;
        rnn1.Forward(x, null, null, y1, null, null, training);
        Tensor in2 = y1;
        if (drop)
        {
            Device.Dropout(y1, y1d, mask1, Dropout, DropoutSeed, dropoutOffset);
            dropoutOffset += (ulong)y1.Length;
            in2 = y1d;
        }
        rnn2.Forward(in2, null, null, y2, null, null, training);
        Tensor inHead = y2Flat;
        if (drop)
        {
            Device.Dropout(y2, y2d, mask2, Dropout, DropoutSeed, dropoutOffset);
            dropoutOffset += (ulong)y2.Length;
            inHead = y2dFlat;
        }
        head.Forward(inHead, outTm);
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
        y1 = Device.Zeros(Window, b, Hidden1);
        y1d = Device.Zeros(Window, b, Hidden1);
        mask1 = Device.Zeros(Window, b, Hidden1);
        dy1 = Device.Zeros(Window, b, Hidden1);
        y2 = Device.Zeros(Window, b, Hidden2);
        y2d = Device.Zeros(Window, b, Hidden2);
        mask2 = Device.Zeros(Window, b, Hidden2);
        dy2 = Device.Zeros(Window, b, Hidden2);
        y2Flat = y2.Reshape(Window * b, Hidden2);
        y2dFlat = y2d.Reshape(Window * b, Hidden2);
        dy2Flat = dy2.Reshape(Window * b, Hidden2);
        outTm = Device.Zeros(Window * b, Features);
        target = Device.Zeros(Window * b, Features);
        gradOut = Device.Zeros(Window * b, Features);
        hostX = new float[Window * b * Features];
        hostOut = new float[Window * b * Features];
    }

    private void FreeBuffers()
    {
        if (batch < 0) return;
        foreach (var t in new[] { x, y1, y1d, mask1, dy1, y2, y2d, mask2, dy2, outTm, target, gradOut }) t.Dispose();
        batch = -1;
    }

    public void Dispose()
    {
        FreeBuffers();
        rnn1.Dispose();
        rnn2.Dispose();
        head.Dispose();
    }
}
