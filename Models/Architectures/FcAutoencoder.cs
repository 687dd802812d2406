using RnnEngine.Engine;
using RnnEngine.Engine.Layers;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Models.Architectures;

/// <summary>
/// Seed 003's fully connected model: the flattened window [B, T*F] through an <see cref="Mlp"/> with leaky ReLU between
/// layers (not after the last), e.g. 400-200-100-50-100-200-300-400 as in the seed's fc.py. It reconstructs the window
/// or predicts the next one, depending on the targets.
/// </summary>
public sealed class FcAutoencoder : IWindowModel
{
    public const float LeakySlope = 0.01f;

    private readonly Mlp mlp;

    private int batch = -1;
    private Tensor input = null!, output = null!, target = null!, gradOut = null!;

    /// <param name="hiddenSizes">the widths between input and output, e.g. [200, 100, 50, 100, 200, 300]</param>
    public FcAutoencoder(Backend device, int window, int features, IReadOnlyList<int> hiddenSizes, ulong seed)
    {
        Device = device;
        Window = window;
        Features = features;
        int io = window * features;
        Sizes = [io, .. hiddenSizes, io];
        mlp = new Mlp(device, Sizes, ActivationKind.LeakyRelu, LeakySlope, activateOutput: false, bias: true, seed: seed);
        ParameterNames = [.. mlp.Layers.SelectMany((l, i) => l.Parameters.Select(p => $"fc{i}.{p.Name}"))];
    }

    /// <summary>All widths, input and output included.</summary>
    public int[] Sizes { get; }
    public string Kind => "fc-ae";
    public Backend Device { get; }
    public int Window { get; }
    public int Features { get; }
    public IReadOnlyList<Parameter> Parameters => mlp.Parameters;
    public IReadOnlyList<string> ParameterNames { get; }

    public float TrainStep(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batchSize)
    {
        Forward(inputs, batchSize);
        Check(targets, batchSize, "target");
        target.CopyFrom(targets);
        float loss = Device.MseLoss(output, target, gradOut);
        mlp.Backward(gradOut, null);
        return loss;
    }

    public void Predict(ReadOnlySpan<float> inputs, int batchSize, Span<float> result)
    {
        Forward(inputs, batchSize);
        output.CopyTo(result);
    }

    private void Forward(ReadOnlySpan<float> inputs, int batchSize)
    {
        Check(inputs, batchSize, "input");
        Ensure(batchSize);
        input.CopyFrom(inputs);
        mlp.Forward(input, output);
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
        input = Device.Zeros(b, Sizes[0]);
        output = Device.Zeros(b, Sizes[^1]);
        target = Device.Zeros(b, Sizes[^1]);
        gradOut = Device.Zeros(b, Sizes[^1]);
    }

    private void FreeBuffers()
    {
        if (batch < 0) return;
        foreach (var t in new[] { input, output, target, gradOut }) t.Dispose();
        batch = -1;
    }

    public void Dispose()
    {
        FreeBuffers();
        mlp.Dispose();
    }
}
