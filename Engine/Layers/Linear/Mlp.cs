using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine.Layers;

/// <summary>
/// A stack of <see cref="Linear"/> layers with an activation after every hidden layer (and after the output layer when
/// activateOutput), e.g. seed 003's 400-200-100-50-100-200-300-400 leaky-ReLU network. sizes = [In, H1, ..., Out].
/// </summary>
public sealed class Mlp : IDisposable
{
    private readonly Backend device;
    private readonly Linear[] layers;
    private readonly ActivationKind activation;
    private readonly float slope;
    private readonly bool activateOutput;
    private Tensor[]? pre, post, grad;
    private int rows = -1;

    public IReadOnlyList<Parameter> Parameters { get; }
    public IReadOnlyList<Linear> Layers => layers;

    public Mlp(Backend device, int[] sizes, ActivationKind activation = ActivationKind.Relu, float slope = 0.01f,
        bool activateOutput = false, bool bias = true, ulong seed = 0)
    {
        if (sizes.Length < 2) throw new ArgumentException($"mlp: sizes [{string.Join(", ", sizes)}] need an input and an output size");
        this.device = device;
        this.activation = activation;
        this.slope = slope;
        this.activateOutput = activateOutput;
        layers = new Linear[sizes.Length - 1];
        for (int i = 0; i < layers.Length; i++) layers[i] = new Linear(device, sizes[i], sizes[i + 1], bias, seed, (ulong)i);
        Parameters = layers.SelectMany(l => l.Parameters).ToArray();
    }

    private bool Activated(int i) => i < layers.Length - 1 || activateOutput;

    public void Forward(Tensor x, Tensor y)
    {
        int n = x.Rows;
        if (x.Cols != layers[0].InFeatures || x.Length == 0)
            throw new ArgumentException($"mlp: x has shape {x.ShapeString}, expected [N > 0, {layers[0].InFeatures}]");
        if (y.Cols != layers[^1].OutFeatures || y.Rows != n)
            throw new ArgumentException($"mlp: y has shape {y.ShapeString}, expected [{n}, {layers[^1].OutFeatures}] for x {x.ShapeString}");
        if (rows != n)
        {
            Free();
            pre = layers.Select(l => device.Zeros(n, l.OutFeatures)).ToArray();
            post = layers.Select(l => device.Zeros(n, l.OutFeatures)).ToArray();
            grad = layers.Select(l => device.Zeros(n, l.OutFeatures)).ToArray();
            rows = n;
        }
        Tensor input = x;
        for (int i = 0; i < layers.Length; i++)
        {
            layers[i].Forward(input, pre![i]);
            if (Activated(i)) device.Activation(activation, pre[i], post![i], slope);
            else device.Copy(pre[i], post![i]);
            input = post[i];
        }
        device.Copy(post![^1], y);
    }

    /// <summary>dy [N, Out] -> dx [N, In] (overwritten; skipped when null); parameter gradients accumulate.</summary>
    public void Backward(Tensor dy, Tensor? dx)
    {
        if (grad is null) throw new InvalidOperationException("mlp: Backward before Forward");
        if (dy.Cols != layers[^1].OutFeatures || dy.Rows != rows)
            throw new ArgumentException($"mlp: dy has shape {dy.ShapeString}, expected [{rows}, {layers[^1].OutFeatures}]");
        device.Copy(dy, grad[^1]);
        for (int i = layers.Length - 1; i >= 0; i--)
        {
            // grad[i] holds dL/dpost[i]; turned into dL/dpre[i] in place.
            if (Activated(i)) device.ActivationBackward(activation, pre![i], post![i], grad[i], grad[i], slope);
            layers[i].Backward(grad[i], i > 0 ? grad[i - 1] : dx);
        }
    }

    private void Free()
    {
        foreach (var t in (pre ?? []).Concat(post ?? []).Concat(grad ?? [])) t.Dispose();
    }

    public void Dispose()
    {
        Free();
        foreach (var l in layers) l.Dispose();
    }
}
