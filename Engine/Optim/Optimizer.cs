using RnnEngine.Engine.Layers;

namespace RnnEngine.Engine.Optim;

/// <summary>
/// Shared shell of the optimizers: a step scales every gradient by one global-norm clipping factor (when
/// <see cref="MaxGradNorm"/> &gt; 0, PyTorch's clip_grad_norm_ over all parameters together), takes the learning rate
/// with inverse-time decay lr / (1 + decay * Steps) (Steps = updates already done, so the first uses lr), and then
/// applies the subclass's per-parameter update op. Gradients are read from Parameter.Grad and left untouched.
/// </summary>
public abstract class Optimizer : IDisposable
{
    protected Optimizer(Backend device, IReadOnlyList<Parameter> parameters, float lr, float maxGradNorm, float lrDecay)
    {
        if (lr <= 0 || !float.IsFinite(lr)) throw new ArgumentOutOfRangeException(nameof(lr), $"learning rate {lr}, expected > 0");
        if (maxGradNorm < 0) throw new ArgumentOutOfRangeException(nameof(maxGradNorm), $"max gradient norm {maxGradNorm}, expected >= 0 (0 = off)");
        if (lrDecay < 0) throw new ArgumentOutOfRangeException(nameof(lrDecay), $"learning-rate decay {lrDecay}, expected >= 0");
        foreach (var p in parameters)
            if (p.Value.Device != device)
                throw new ArgumentException($"parameter '{p.Name}' lives on '{p.Value.Device.Name}', the optimizer runs on '{device.Name}'");
        Device = device;
        Parameters = parameters;
        LearningRate = lr;
        MaxGradNorm = maxGradNorm;
        LearningRateDecay = lrDecay;
    }

    public Backend Device { get; }
    public IReadOnlyList<Parameter> Parameters { get; }
    public float LearningRate { get; set; }
    public float MaxGradNorm { get; }
    public float LearningRateDecay { get; }

    /// <summary>Updates done so far.</summary>
    public int Steps { get; private set; }

    /// <summary>Global gradient norm before clipping at the last step (NaN when clipping is off: it costs a device sync).</summary>
    public float LastGradNorm { get; private set; } = float.NaN;

    /// <summary>The learning rate the next step will use.</summary>
    public float CurrentLearningRate => (float)(LearningRate / (1.0 + (double)LearningRateDecay * Steps));

    public void Step()
    {
        float scale = 1f;
        if (MaxGradNorm > 0)
        {
            double sum = 0;
            foreach (var p in Parameters) sum += Device.SumSquares(p.Grad);
            double norm = Math.Sqrt(sum);
            LastGradNorm = (float)norm;
            scale = (float)Math.Min(1.0, MaxGradNorm / (norm + 1e-6));
        }
        float lr = CurrentLearningRate;
        Steps++;
        for (int i = 0; i < Parameters.Count; i++) Update(i, Parameters[i], lr, scale, Steps);
    }

    /// <summary>Sets every gradient to zero (before a new accumulation).</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters) Device.Fill(p.Grad, 0f);
    }

    /// <summary>Applies the update rule to parameter <paramref name="index"/>; step counts from 1.</summary>
    protected abstract void Update(int index, Parameter p, float lr, float gradScale, int step);

    public virtual void Dispose() { }
}
