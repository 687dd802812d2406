using RnnEngine.Engine.Tensors;

namespace RnnEngine.Benchmarks;

/// <summary>
/// Base of the GRU and LSTM step benchmarks: the recurrent weight W_hh [G*H, H] (G = 3 or 4 gate blocks), h_prev,
/// h_next and the output gradient dy [B, H]. GFLOP/s counts the step's recurrent GEMM, 2*B*H*G*H, only (the cell
/// counts 0): the gap to GemmBenchmarks' rate on the same shape is the cost of the pointwise pass.
/// </summary>
public abstract class RecurrentStepBenchmark(int gateBlocks) : StepBenchmark
{
    protected Tensor Whh { get; private set; } = null!;
    protected Tensor HPrev { get; private set; } = null!;
    protected Tensor HNext { get; private set; } = null!;
    protected Tensor Dy { get; private set; } = null!;

    public override double Flops(string method) => 2.0 * Shape.Batch * Shape.Hidden * gateBlocks * Shape.Hidden;

    protected override void Prepare()
    {
        int b = Shape.Batch, h = Shape.Hidden;
        // Half PyTorch's init bound: the backward feeds dh back through W_hh thousands of times and must not blow up.
        Whh = Random(0.5f / MathF.Sqrt(h), gateBlocks * h, h);
        HPrev = Random(0.5f, b, h);
        HNext = Zeros(b, h);
        Dy = Random(0.5f, b, h);
        PrepareCell(b, h);
    }

    /// <summary>The cell's own tensors; then one forward, since the backward reads what it saved.</summary>
    protected abstract void PrepareCell(int b, int h);
}
