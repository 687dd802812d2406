using RnnEngine.Engine;
using RnnEngine.Engine.Layers;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Models.Architectures;

public enum RecurrentCell { Lstm, Gru }

public static class RecurrentCellLayers
{
    /// <summary>A one-layer recurrent layer of this cell (no peepholes, no dropout), the same parameters as before for a seed.</summary>
    public static IRecurrent Create(this RecurrentCell cell, Backend device, int input, int hidden, ulong seed) => cell == RecurrentCell.Lstm
        ? new Lstm(device, input, hidden, numLayers: 1, peephole: false, dropout: 0f, seed: seed)
        : new Gru(device, input, hidden, numLayers: 1, dropout: 0f, seed: seed);
}

/// <summary>
/// Seed 003's Keras LSTM/GRU models generalised: one recurrent layer reads the window [T, B, F]; its final hidden state
/// [B, H] is mapped by a linear head to the output window [B, T*F] (the same window, or the next one, depending on the
/// targets the trainer gives). The seed has no head (its H = T = 400 hidden units are the output, bounded by tanh);
/// the head lets H be chosen freely and reproduces values outside (-1, 1).
/// </summary>
public sealed class RecurrentAutoencoder : IWindowModel
{
    private readonly IRecurrent rnn;
    private readonly Linear head;
    private readonly List<Parameter> parameters;

    private int batch = -1;
    private Tensor x = null!, y = null!, hN = null!, cN = null!, hLast = null!, output = null!, target = null!, gradOut = null!;
    private Tensor gradH = null!, gradHN = null!, zeroDy = null!;
    private float[] hostX = [];

    public RecurrentAutoencoder(Backend device, RecurrentCell cell, int window, int features, int hidden, ulong seed)
    {
        Device = device;
        Cell = cell;
        Window = window;
        Features = features;
        Hidden = hidden;
        rnn = cell.Create(device, features, hidden, seed);
        IReadOnlyList<Parameter> rnnParameters = rnn.Parameters;
        head = new Linear(device, hidden, window * features, bias: true, seed: seed + 1);
        parameters = [.. rnnParameters, .. head.Parameters];
        string role = cell == RecurrentCell.Lstm ? "lstm." : "gru.";
        ParameterNames = [.. rnnParameters.Select(p => role + p.Name), .. head.Parameters.Select(p => "head." + p.Name)];
    }

    public RecurrentCell Cell { get; }
    public string Kind => Cell == RecurrentCell.Lstm ? "lstm-ae" : "gru-ae";
    public Backend Device { get; }
    public int Window { get; }
    public int Features { get; }
    public int Hidden { get; }
    public IReadOnlyList<Parameter> Parameters => parameters;
    public IReadOnlyList<string> ParameterNames { get; }

    public float TrainStep(ReadOnlySpan<float> input, ReadOnlySpan<float> targets, int batchSize)
    {
        Encode(input, batchSize, training: true);
        head.Forward(hLast, output);
        Check(targets, batchSize, "target");
        target.CopyFrom(targets);
        float loss = Device.MseLoss(output, target, gradOut);
        head.Backward(gradOut, gradH);
        // only the final hidden state feeds the head: dy is zero at every step, the gradient enters through dhN
        Device.Copy(gradH, gradHN);
        rnn.Backward(zeroDy, gradHN, null, null, null, null);
        return loss;
    }

    public void Predict(ReadOnlySpan<float> input, int batchSize, Span<float> result)
    {
        Encode(input, batchSize, training: false);
        head.Forward(hLast, output);
        output.CopyTo(result);
    }

    private void Encode(ReadOnlySpan<float> input, int batchSize, bool training)
    {
        Check(input, batchSize, "input");
        Ensure(batchSize);
        HostLayout.ToTimeMajor(input, hostX, batchSize, Window, Features);
        x.CopyFrom(hostX);
        rnn.Forward(x, null, null, y, hN, cN, training);
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
        y = Device.Zeros(Window, b, Hidden);
        zeroDy = Device.Zeros(Window, b, Hidden);
        hN = Device.Zeros(1, b, Hidden);
        cN = Device.Zeros(1, b, Hidden);
        gradHN = Device.Zeros(1, b, Hidden);
        hLast = hN.Reshape(b, Hidden);
        gradH = Device.Zeros(b, Hidden);
        output = Device.Zeros(b, Window * Features);
        target = Device.Zeros(b, Window * Features);
        gradOut = Device.Zeros(b, Window * Features);
        hostX = new float[Window * b * Features];
    }

    private void FreeBuffers()
    {
        if (batch < 0) return;
        foreach (var t in new[] { x, y, zeroDy, hN, cN, gradHN, gradH, output, target, gradOut }) t.Dispose();
        batch = -1;
    }

    public void Dispose()
    {
        FreeBuffers();
        rnn.Dispose();
        head.Dispose();
    }
}
