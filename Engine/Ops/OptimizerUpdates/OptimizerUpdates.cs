using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

/// <summary>Per-step constants of an Adam update, prepared on the host (bias corrections folded in, in double).</summary>
public readonly record struct AdamCoefficients(float StepSize, float Beta1, float Beta2, float Eps, float InvSqrtBias2, float WeightDecay, float GradScale);

/// <summary>Per-step constants of an RMSprop update.</summary>
public readonly record struct RmsPropCoefficients(float Lr, float Alpha, float Eps, float WeightDecay, float GradScale);

/// <summary>Per-step constants of an SGD-with-momentum update.</summary>
public readonly record struct SgdCoefficients(float Lr, float Momentum, float WeightDecay, float GradScale);

public abstract partial class Backend
{
    /// <summary>
    /// One Adam step (PyTorch's rule) on one parameter, step = 1 for the first update:
    /// g = gradScale * grad + weightDecay * value; m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
    /// value -= lr * (m / (1 - b1^step)) / (sqrt(v / (1 - b2^step)) + eps). gradScale carries global-norm clipping.
    /// </summary>
    public void AdamUpdate(Tensor value, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2, float eps, int step,
        float weightDecay = 0f, float gradScale = 1f)
    {
        RequireSameShape("adam-update", value, "value", grad, "grad");
        RequireSameShape("adam-update", value, "value", m, "m");
        RequireSameShape("adam-update", value, "value", v, "v");
        if (step < 1) throw new ArgumentOutOfRangeException(nameof(step), $"adam-update: step {step}, expected >= 1");
        double bias1 = 1 - Math.Pow(beta1, step), bias2 = 1 - Math.Pow(beta2, step);
        var c = new AdamCoefficients((float)(lr / bias1), beta1, beta2, eps, (float)(1 / Math.Sqrt(bias2)), weightDecay, gradScale);
        if (value.Length > 0) AdamUpdateCore(value, grad, m, v, c);
    }

    /// <summary>
    /// One RMSprop step (PyTorch's rule, no momentum, not centred): g = gradScale * grad + weightDecay * value;
    /// v = alpha v + (1 - alpha) g^2; value -= lr * g / (sqrt(v) + eps).
    /// </summary>
    public void RmsPropUpdate(Tensor value, Tensor grad, Tensor v, float lr, float alpha, float eps, float weightDecay = 0f, float gradScale = 1f)
    {
        RequireSameShape("rmsprop-update", value, "value", grad, "grad");
        RequireSameShape("rmsprop-update", value, "value", v, "v");
        if (value.Length > 0) RmsPropUpdateCore(value, grad, v, new RmsPropCoefficients(lr, alpha, eps, weightDecay, gradScale));
    }

    /// <summary>
    /// One SGD step with momentum (PyTorch's rule, no dampening): g = gradScale * grad + weightDecay * value;
    /// buffer = momentum * buffer + g (the buffer starts at zero, so the first step gives buffer = g); value -= lr * buffer.
    /// </summary>
    public void SgdUpdate(Tensor value, Tensor grad, Tensor buffer, float lr, float momentum, float weightDecay = 0f, float gradScale = 1f)
    {
        RequireSameShape("sgd-update", value, "value", grad, "grad");
        RequireSameShape("sgd-update", value, "value", buffer, "buffer");
        if (value.Length > 0) SgdUpdateCore(value, grad, buffer, new SgdCoefficients(lr, momentum, weightDecay, gradScale));
    }

    protected abstract void AdamUpdateCore(Tensor value, Tensor grad, Tensor m, Tensor v, AdamCoefficients c);
    protected abstract void RmsPropUpdateCore(Tensor value, Tensor grad, Tensor v, RmsPropCoefficients c);
    protected abstract void SgdUpdateCore(Tensor value, Tensor grad, Tensor buffer, SgdCoefficients c);
}

/// <summary>Scalar float32 update rules shared by the ILGPU kernels and the cpu tails (one element each).</summary>
internal static class UpdateMath
{
    public static void Adam(ref float p, float grad, ref float m, ref float v, in AdamCoefficients c)
    {
        float g = c.GradScale * grad + c.WeightDecay * p;
        m = c.Beta1 * m + (1f - c.Beta1) * g;
        v = c.Beta2 * v + (1f - c.Beta2) * g * g;
        p -= c.StepSize * m / (MathF.Sqrt(v) * c.InvSqrtBias2 + c.Eps);
    }

    public static void RmsProp(ref float p, float grad, ref float v, in RmsPropCoefficients c)
    {
        float g = c.GradScale * grad + c.WeightDecay * p;
        v = c.Alpha * v + (1f - c.Alpha) * g * g;
        p -= c.Lr * g / (MathF.Sqrt(v) + c.Eps);
    }

    public static void Sgd(ref float p, float grad, ref float buffer, in SgdCoefficients c)
    {
        float g = c.GradScale * grad + c.WeightDecay * p;
        buffer = c.Momentum * buffer + g;
        p -= c.Lr * buffer;
    }
}
