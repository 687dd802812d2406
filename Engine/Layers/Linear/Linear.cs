using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine.Layers;

/// <summary>
/// y = x W^T (+ b), as torch.nn.Linear: weight [Out, In], bias [Out], uniform(+-1/sqrt(In)) from one seed. x is read as
/// an [N, In] matrix (any leading dimensions, e.g. a [T, B, In] sequence projected in one GEMM), y as [N, Out].
/// </summary>
public sealed class Linear : IDisposable
{
    private readonly Backend device;
    private readonly Parameter weight;
    private readonly Parameter? bias;
    private Tensor? saved;

    public int InFeatures { get; }
    public int OutFeatures { get; }
    public IReadOnlyList<Parameter> Parameters { get; }
    public Parameter Weight => weight;
    public Parameter? Bias => bias;

    public Linear(Backend device, int inFeatures, int outFeatures, bool bias = true, ulong seed = 0, ulong stream = 0)
    {
        if (inFeatures <= 0 || outFeatures <= 0)
            throw new ArgumentException($"linear: inFeatures {inFeatures} and outFeatures {outFeatures} must be positive");
        this.device = device;
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        double bound = 1 / Math.Sqrt(inFeatures);
        weight = new Parameter(device, "weight", outFeatures, inFeatures);
        weight.InitUniform(bound, seed, 2 * stream);
        if (bias)
        {
            this.bias = new Parameter(device, "bias", outFeatures);
            this.bias.InitUniform(bound, seed, 2 * stream + 1);
            Parameters = [weight, this.bias];
        }
        else Parameters = [weight];
    }

    public void Forward(Tensor x, Tensor y)
    {
        if (x.Cols != InFeatures || x.Length == 0)
            throw new ArgumentException($"linear: x has shape {x.ShapeString}, expected [N > 0, {InFeatures}]");
        if (y.Cols != OutFeatures || y.Rows != x.Rows)
            throw new ArgumentException($"linear: y has shape {y.ShapeString}, expected [{x.Rows}, {OutFeatures}] for x {x.ShapeString}");
        if (saved is null || saved.Length != x.Length)
        {
            saved?.Dispose();
            saved = device.Zeros(x.Rows, InFeatures);
        }
        device.Copy(x, saved);
        device.Gemm(false, true, 1f, x, weight.Value, 0f, y);
        if (bias is not null) device.AddBias(y, bias.Value, y);
    }

    /// <summary>dy [N, Out] -> dx [N, In] (overwritten; skipped when null); weight and bias gradients accumulate.</summary>
    public void Backward(Tensor dy, Tensor? dx)
    {
        var x = saved ?? throw new InvalidOperationException("linear: Backward before Forward");
        if (dy.Cols != OutFeatures || dy.Rows != x.Rows)
            throw new ArgumentException($"linear: dy has shape {dy.ShapeString}, expected [{x.Rows}, {OutFeatures}]");
        if (dx is not null && (dx.Cols != InFeatures || dx.Rows != x.Rows))
            throw new ArgumentException($"linear: dx has shape {dx.ShapeString}, expected [{x.Rows}, {InFeatures}]");
        device.Gemm(true, false, 1f, dy, x, 1f, weight.Grad);
        if (bias is not null) device.ColumnSum(dy, bias.Grad, accumulate: true);
        if (dx is not null) device.Gemm(false, false, 1f, dy, weight.Value, 0f, dx);
    }

    public void Dispose()
    {
        saved?.Dispose();
        foreach (var p in Parameters) p.Dispose();
    }
}
