using RnnEngine.Engine;
using RnnEngine.Engine.Layers;
using RnnEngine.Engine.Tensors;
using RnnEngine.Models.Training;

namespace RnnEngine.Models.Architectures;

/// <summary>
/// Seed 003's fully connected model: the flattened window [B, T*F] through Linear layers with leaky ReLU between them
/// (not after the last), e.g. 400-200-100-50-100-200-300-400 as in the seed's fc.py. It reconstructs the window or
/// predicts the next one, depending on the targets.
/// </summary>
public sealed class FcAutoencoder : IWindowModel
{
    public const float LeakySlope = 0.01f;

    private readonly Dense[] layers;
    private readonly List<Parameter> parameters;

    private int batch = -1;
    private Tensor[] pre = [], act = [], grad = [], gradAct = [];
    private Tensor target = null!;

    /// <param name="hiddenSizes">the widths between input and output, e.g. [200, 100, 50, 100, 200, 300]</param>
    public FcAutoencoder(Backend device, int window, int features, IReadOnlyList<int> hiddenSizes, ulong seed)
    {
        Device = device;
        Window = window;
        Features = features;
        int io = window * features;
        Sizes = [io, .. hiddenSizes, io];
        layers = new Dense[Sizes.Length - 1];
        for (int i = 0; i < layers.Length; i++)
            layers[i] = new Dense(device, $"fc{i}", Sizes[i], Sizes[i + 1], seed, stream: (ulong)(2 * i));
        parameters = [.. layers.SelectMany(l => new[] { l.Weight, l.Bias })];
    }

    /// <summary>All widths, input and output included.</summary>
    public int[] Sizes { get; }
    public string Kind => "fc-ae";
    public Backend Device { get; }
    public int Window { get; }
    public int Features { get; }
    public IReadOnlyList<Parameter> Parameters => parameters;
    public IReadOnlyList<string> ParameterNames => [.. parameters.Select(p => p.Name)];

    public float TrainStep(ReadOnlySpan<float> input, ReadOnlySpan<float> targets, int batchSize)
    {
        Forward(input, batchSize);
        Check(targets, batchSize, "target");
        target.CopyFrom(targets);
        int last = layers.Length - 1;
        float loss = Device.MseLoss(pre[last + 1], target, grad[last + 1]);
        for (int i = last; i >= 0; i--)
        {
            // grad[i + 1] = dL/d pre[i + 1]; layer i reads act[i], so its input gradient is dL/d act[i]
            layers[i].Backward(act[i], grad[i + 1], i > 0 ? gradAct[i] : null);
            if (i > 0) Device.ActivationBackward(ActivationKind.LeakyRelu, pre[i], act[i], gradAct[i], grad[i], LeakySlope);
        }
        return loss;
    }

    public void Predict(ReadOnlySpan<float> input, int batchSize, Span<float> result)
    {
        Forward(input, batchSize);
        pre[layers.Length].CopyTo(result);
    }

    /// <summary>act[0] = input; pre[i+1] = layer i(act[i]); act[i+1] = leaky(pre[i+1]) except after the last layer.</summary>
    private void Forward(ReadOnlySpan<float> input, int batchSize)
    {
        Check(input, batchSize, "input");
        Ensure(batchSize);
        act[0].CopyFrom(input);
        for (int i = 0; i < layers.Length; i++)
        {
            layers[i].Forward(act[i], pre[i + 1]);
            if (i + 1 < layers.Length) Device.Activation(ActivationKind.LeakyRelu, pre[i + 1], act[i + 1], LeakySlope);
        }
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
        int n = Sizes.Length;
        pre = new Tensor[n];
        act = new Tensor[n];
        grad = new Tensor[n];
        gradAct = new Tensor[n];
        for (int i = 0; i < n; i++)
        {
            pre[i] = Device.Zeros(b, Sizes[i]);
            act[i] = Device.Zeros(b, Sizes[i]);
            grad[i] = Device.Zeros(b, Sizes[i]);
            gradAct[i] = Device.Zeros(b, Sizes[i]);
        }
        target = Device.Zeros(b, Sizes[^1]);
    }

    private void FreeBuffers()
    {
        if (batch < 0) return;
        foreach (var t in pre.Concat(act).Concat(grad).Concat(gradAct)) t.Dispose();
        target.Dispose();
        batch = -1;
    }

    public void Dispose()
    {
        FreeBuffers();
        foreach (var p in parameters) p.Dispose();
    }
}
