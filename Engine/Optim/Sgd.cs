using RnnEngine.Engine.Layers;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine.Optim;

/// <summary>SGD with momentum (PyTorch's rule, no dampening or Nesterov), L2 weight decay, clipping and lr decay.</summary>
public sealed class Sgd : Optimizer
{
    private readonly Tensor[] buffers;

    public Sgd(Backend device, IReadOnlyList<Parameter> parameters, float lr, float momentum = 0f, float weightDecay = 0f,
        float maxGradNorm = 0f, float lrDecay = 0f)
        : base(device, parameters, lr, maxGradNorm, lrDecay)
    {
        Momentum = momentum;
        WeightDecay = weightDecay;
        buffers = parameters.Select(p => device.Zeros(p.Value.Shape.ToArray())).ToArray();
    }

    public float Momentum { get; }
    public float WeightDecay { get; }

    protected override void Update(int index, Parameter p, float lr, float gradScale, int step) =>
        Device.SgdUpdate(p.Value, p.Grad, buffers[index], lr, Momentum, WeightDecay, gradScale);

    public override void Dispose()
    {
        foreach (var t in buffers) t.Dispose();
    }
}
