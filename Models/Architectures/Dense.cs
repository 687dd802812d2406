using RnnEngine.Engine;
using RnnEngine.Engine.Layers;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Models.Architectures;

/// <summary>
/// y = x W^T + b over rows: the output heads of the autoencoders and the FC stack. W [Out, In], b [Out] initialised
/// like PyTorch's Linear (uniform +-1/sqrt(In)) from (seed, stream).
/// </summary>
internal sealed class Dense : IDisposable
{
    private readonly Backend device;

    public Parameter Weight { get; }
    public Parameter Bias { get; }
    public int In { get; }
    public int Out { get; }

    public Dense(Backend device, string name, int inputs, int outputs, ulong seed, ulong stream)
    {
        this.device = device;
        In = inputs;
        Out = outputs;
        Weight = new Parameter(device, name + ".weight", outputs, inputs);
        Bias = new Parameter(device, name + ".bias", outputs);
        double bound = 1.0 / Math.Sqrt(inputs);
        Weight.InitUniform(bound, seed, stream);
        Bias.InitUniform(bound, seed, stream + 1);
    }

    /// <summary>y [N, Out] = x [N, In] W^T + b.</summary>
    public void Forward(Tensor x, Tensor y)
    {
        device.Gemm(false, true, 1f, x, Weight.Value, 0f, y);
        device.AddBias(y, Bias.Value, y);
    }

    /// <summary>Accumulates dW += dy^T x and db += colsum(dy); writes dx [N, In] = dy W when dx is given.</summary>
    public void Backward(Tensor x, Tensor dy, Tensor? dx)
    {
        device.Gemm(true, false, 1f, dy, x, 1f, Weight.Grad);
        device.ColumnSum(dy, Bias.Grad, accumulate: true);
        if (dx is not null) device.Gemm(false, false, 1f, dy, Weight.Value, 0f, dx);
    }

    public void Dispose()
    {
        Weight.Dispose();
        Bias.Dispose();
    }
}
