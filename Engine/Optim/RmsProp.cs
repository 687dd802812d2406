using RnnEngine.Engine.Layers;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine.Optim;

/// <summary>RMSprop (PyTorch's rule: no momentum, not centred), optional L2 weight decay, clipping and lr decay.</summary>
public sealed class RmsProp : Optimizer
{
    private readonly Tensor[] v;

    public RmsProp(Backend device, IReadOnlyList<Parameter> parameters, float lr = 1e-2f, float alpha = 0.99f, float eps = 1e-8f,
        float weightDecay = 0f, float maxGradNorm = 0f, float lrDecay = 0f)
        : base(device, parameters, lr, maxGradNorm, lrDecay)
    {
        Alpha = alpha;
        Eps = eps;
        WeightDecay = weightDecay;
        v = parameters.Select(p => device.Zeros(p.Value.Shape.ToArray())).ToArray();
    }

    public float Alpha { get; }
    public float Eps { get; }
    public float WeightDecay { get; }

    protected override void Update(int index, Parameter p, float lr, float gradScale, int step) =>
        Device.RmsPropUpdate(p.Value, p.Grad, v[index], lr, Alpha, Eps, WeightDecay, gradScale);

    public override void Dispose()
    {
        foreach (var t in v) t.Dispose();
    }
}
