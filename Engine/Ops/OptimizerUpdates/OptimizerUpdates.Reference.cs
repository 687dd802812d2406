namespace RnnEngine.Engine;

public static partial class Reference
{
    /// <summary>Adam (PyTorch's rule, L2 weight decay) in float64; step counts from 1.</summary>
    public static void AdamUpdate(Span<double> p, ReadOnlySpan<double> grad, Span<double> m, Span<double> v, double lr, double beta1,
        double beta2, double eps, int step, double weightDecay = 0, double gradScale = 1)
    {
        double bias1 = 1 - Math.Pow(beta1, step), bias2 = 1 - Math.Pow(beta2, step);
        for (int i = 0; i < p.Length; i++)
        {
            double g = gradScale * grad[i] + weightDecay * p[i];
            m[i] = beta1 * m[i] + (1 - beta1) * g;
            v[i] = beta2 * v[i] + (1 - beta2) * g * g;
            p[i] -= lr * (m[i] / bias1) / (Math.Sqrt(v[i] / bias2) + eps);
        }
    }

    /// <summary>RMSprop (PyTorch's rule, no momentum, not centred) in float64.</summary>
    public static void RmsPropUpdate(Span<double> p, ReadOnlySpan<double> grad, Span<double> v, double lr, double alpha, double eps,
        double weightDecay = 0, double gradScale = 1)
    {
        for (int i = 0; i < p.Length; i++)
        {
            double g = gradScale * grad[i] + weightDecay * p[i];
            v[i] = alpha * v[i] + (1 - alpha) * g * g;
            p[i] -= lr * g / (Math.Sqrt(v[i]) + eps);
        }
    }

    /// <summary>SGD with momentum (no dampening, buffer starting at zero) in float64.</summary>
    public static void SgdUpdate(Span<double> p, ReadOnlySpan<double> grad, Span<double> buffer, double lr, double momentum,
        double weightDecay = 0, double gradScale = 1)
    {
        for (int i = 0; i < p.Length; i++)
        {
            double g = gradScale * grad[i] + weightDecay * p[i];
            buffer[i] = momentum * buffer[i] + g;
            p[i] -= lr * buffer[i];
        }
    }

    /// <summary>Global-norm clipping factor (PyTorch's clip_grad_norm_): min(1, maxNorm / (norm + 1e-6)).</summary>
    public static double ClipFactor(double sumOfSquares, double maxNorm) =>
        Math.Min(1.0, maxNorm / (Math.Sqrt(sumOfSquares) + 1e-6));

    /// <summary>Inverse-time decay: lr / (1 + decay * completedSteps), completedSteps = 0 for the first update.</summary>
    public static double DecayedLearningRate(double lr, double decay, int completedSteps) => lr / (1 + decay * completedSteps);
}
