using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

public abstract partial class Backend
{
    /// <summary>
    /// Mean squared error over all elements, L = sum (pred - target)^2 / n. When <paramref name="grad"/> is given it is
    /// overwritten with dL/dpred = 2 (pred - target) / n. Returns L (waits for the device).
    /// </summary>
    public float MseLoss(Tensor pred, Tensor target, Tensor? grad)
    {
        RequireSameShape("mse-loss", pred, "pred", target, "target");
        if (grad is not null) RequireSameShape("mse-loss", pred, "pred", grad, "grad");
        if (pred.Length == 0) throw new ArgumentException($"mse-loss: pred {pred.ShapeString} is empty");
        return (float)(LossSumCore(LossKind.Squared, pred, target, grad, 2f / pred.Length) / pred.Length);
    }

    /// <summary>
    /// Mean absolute error over all elements, L = sum |pred - target| / n; <paramref name="grad"/>, when given, is
    /// overwritten with sign(pred - target) / n (0 where they are equal). Returns L (waits for the device).
    /// </summary>
    public float MaeLoss(Tensor pred, Tensor target, Tensor? grad)
    {
        RequireSameShape("mae-loss", pred, "pred", target, "target");
        if (grad is not null) RequireSameShape("mae-loss", pred, "pred", grad, "grad");
        if (pred.Length == 0) throw new ArgumentException($"mae-loss: pred {pred.ShapeString} is empty");
        return (float)(LossSumCore(LossKind.Absolute, pred, target, grad, 1f / pred.Length) / pred.Length);
    }

    /// <summary>
    /// Sum over i of (pred - target)^2 or |pred - target|, returned in double; when grad is given it receives
    /// gradScale * (pred - target) or gradScale * sign(pred - target).
    /// </summary>
    protected abstract double LossSumCore(LossKind kind, Tensor pred, Tensor target, Tensor? grad, float gradScale);
}

/// <summary>The elementwise term of a loss (kernels take its int value).</summary>
public enum LossKind { Squared, Absolute }
