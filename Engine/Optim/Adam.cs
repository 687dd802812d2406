using RnnEngine.Engine.Layers;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine.Optim;

/// <summary>Adam with bias correction (PyTorch's rule), optional L2 weight decay, global-norm clipping and lr decay.</summary>
public sealed class Adam : Optimizer
{
    private readonly Tensor[] m, v;

    public Adam(Backend device, IReadOnlyList<Parameter> parameters, float lr = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f,
        float eps = 1e-8f, float weightDecay = 0f, float maxGradNorm = 0f, float lrDecay = 0f)
        : base(device, parameters, lr, maxGradNorm, lrDecay)
    {
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
        WeightDecay = weightDecay;
        m = parameters.Select(p => device.Zeros(p.Value.Shape.ToArray())).ToArray();
        v = parameters.Select(p => device.Zeros(p.Value.Shape.ToArray())).ToArray();
    }

    public float Beta1 { get; }
    public float Beta2 { get; }
    public float Eps { get; }
    public float WeightDecay { get; }

    protected override void Update(int index, Parameter p, float lr, float gradScale, int step) =>
        Device.AdamUpdate(p.Value, p.Grad, m[index], v[index], lr, Beta1, Beta2, Eps, step, WeightDecay, gradScale);

    public override void Dispose()
    {
        foreach (var t in m) t.Dispose();
        foreach (var t in v) t.Dispose();
    }
}
