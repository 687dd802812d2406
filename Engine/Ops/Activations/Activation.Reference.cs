namespace RnnEngine.Engine;

public static partial class Reference
{
    public static double Sigmoid(double x)
    {
        double e = Math.Exp(-Math.Abs(x));
        return x >= 0 ? 1 / (1 + e) : e / (1 + e);
    }

    public static double Activation(ActivationKind kind, double x, double slope) => kind switch
    {
        ActivationKind.Sigmoid => Sigmoid(x),
        ActivationKind.Tanh => Math.Tanh(x),
        ActivationKind.Relu => x > 0 ? x : 0,
        ActivationKind.LeakyRelu => x > 0 ? x : slope * x,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>y = f(x) elementwise.</summary>
    public static void Activation(ActivationKind kind, ReadOnlySpan<double> x, Span<double> y, double slope = 0.01)
    {
        for (int i = 0; i < x.Length; i++) y[i] = Activation(kind, x[i], slope);
    }

    /// <summary>dx = dy * f'(x) (f' at 0 from the negative side).</summary>
    public static void ActivationBackward(ActivationKind kind, ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> dx, double slope = 0.01)
    {
        for (int i = 0; i < x.Length; i++)
        {
            double d = kind switch
            {
                ActivationKind.Sigmoid => Sigmoid(x[i]) * (1 - Sigmoid(x[i])),
                ActivationKind.Tanh => 1 - Math.Tanh(x[i]) * Math.Tanh(x[i]),
                ActivationKind.Relu => x[i] > 0 ? 1 : 0,
                ActivationKind.LeakyRelu => x[i] > 0 ? 1 : slope,
                _ => throw new ArgumentOutOfRangeException(nameof(kind)),
            };
            dx[i] = dy[i] * d;
        }
    }
}
