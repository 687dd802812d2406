using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

public enum ActivationKind { Sigmoid, Tanh, Relu, LeakyRelu }

public abstract partial class Backend
{
    /// <summary>y = f(x) elementwise; <paramref name="slope"/> is the negative-side slope of LeakyRelu. y may alias x.</summary>
    public void Activation(ActivationKind kind, Tensor x, Tensor y, float slope = 0.01f)
    {
        RequireSameShape("activation", x, "x", y, "y");
        if (x.Length > 0) ActivationCore(kind, x, y, slope);
    }

    /// <summary>
    /// dx = dy * f'(x), with f' taken from the saved output y for sigmoid (y(1-y)) and tanh (1-y^2) and from the input x
    /// for relu and leaky relu (the derivative at x = 0 is taken from the negative side). dx may alias dy.
    /// </summary>
    public void ActivationBackward(ActivationKind kind, Tensor x, Tensor y, Tensor dy, Tensor dx, float slope = 0.01f)
    {
        RequireSameShape("activation-backward", x, "x", y, "y");
        RequireSameShape("activation-backward", x, "x", dy, "dy");
        RequireSameShape("activation-backward", x, "x", dx, "dx");
        if (x.Length > 0) ActivationBackwardCore(kind, x, y, dy, dx, slope);
    }

    protected abstract void ActivationCore(ActivationKind kind, Tensor x, Tensor y, float slope);
    protected abstract void ActivationBackwardCore(ActivationKind kind, Tensor x, Tensor y, Tensor dy, Tensor dx, float slope);
}

/// <summary>
/// Scalar float32 activations: the one sigmoid and the one tanh of the engine, used by the cpu tails and every ILGPU
/// kernel. Built from exp only (MathF.Tanh lowers to tanh.approx on PTX). exp overflow gives the limits (sigmoid 0,
/// tanh 1; underflow tanh -1), never NaN; tanh's absolute error near 0 is about 1e-7. These are the formulas the LSTM
/// cell has always used, so trained cpu models stay bit-identical (check 08 reads a seeded run of
/// `run powerdemand --online` against a 0.97 bar; with the exp(-|x|) forms it fell to 0.965).
/// </summary>
internal static class ActivationMath
{
    public static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    public static float Tanh(float x) => 1f - 2f / (MathF.Exp(2f * x) + 1f);

    /// <summary>f(x) for kind (the int value of <see cref="ActivationKind"/>: kernels take plain ints).</summary>
    public static float Forward(int kind, float x, float slope)
    {
        if (kind == (int)ActivationKind.Sigmoid) return Sigmoid(x);
        if (kind == (int)ActivationKind.Tanh) return Tanh(x);
        if (kind == (int)ActivationKind.Relu) return x > 0f ? x : 0f;
        return x > 0f ? x : slope * x;
    }

    public static float Backward(int kind, float x, float y, float dy, float slope)
    {
        if (kind == (int)ActivationKind.Sigmoid) return dy * y * (1f - y);
        if (kind == (int)ActivationKind.Tanh) return dy * (1f - y * y);
        if (kind == (int)ActivationKind.Relu) return x > 0f ? dy : 0f;
        return x > 0f ? dy : slope * dy;
    }
}
