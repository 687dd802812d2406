using BenchmarkDotNet.Attributes;
using RnnEngine.Engine.Layers;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Benchmarks;

/// <summary>
/// One decoder step of the Bahdanau attention of the gru-attn models (Engine/Layers/Attention over the additive
/// attention op), T = window encoder states, value = query = units = H as in Lab/Bench/GruAttnAe. Forward: query
/// projection GEMM, scores, softmax, context. Backward: the op's backward and the v, W_query and dQuery GEMMs.
/// Counted flops (tanh, exp count 0): forward 2BHA + 3TBA (k + q, v * tanh) + 2TBH (context); backward 4TBH
/// (dScores dot, dValues axpy) + 6TBA (dtanh and the two accumulations) + 2TBA (dv GEMM) + 4BAQ (W_query grad, dQuery).
/// Bytes: each [T, B, *] array once per direction (keys, tanh, values; tanh, dKeys and dValues read and written).
/// </summary>
public class AttentionStepBenchmarks : StepBenchmark
{
    private BahdanauAttention attention = null!;
    private Tensor query = null!, context = null!, dContext = null!, dQuery = null!;

    public override double Flops(string method)
    {
        double t = Shape.Window, b = Shape.Batch, h = Shape.Hidden;
        return method == nameof(Forward) ? 2 * b * h * h + 3 * t * b * h + 2 * t * b * h : 4 * t * b * h + 8 * t * b * h + 4 * b * h * h;
    }

    public override double Bytes(string method)
    {
        double tbh = (double)Shape.Window * Shape.Batch * Shape.Hidden;
        return 4 * (method == nameof(Forward) ? 3 * tbh : 6 * tbh);
    }

    protected override void Prepare()
    {
        var (_, t, h, b) = Shape;
        attention = Own(new BahdanauAttention(Backend, h, h, h, seed: 1));
        attention.SetEncoder(Random(0.5f, t, b, h), null, maxSteps: 1);
        query = Random(0.5f, b, h);
        context = Zeros(b, h);
        dContext = Random(0.5f, b, h);
        dQuery = Zeros(b, h);
        Forward();  // the backward reads the step's saved tanh and weights
    }

    [Benchmark]
    public void Forward() => attention.Forward(0, query, context);

    [Benchmark]
    public void Backward() => attention.Backward(0, dContext, dQuery);
}
