using BenchmarkDotNet.Attributes;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Benchmarks;

/// <summary>
/// One GRU time step as Engine/Layers/Gru runs it: forward = the recurrent GEMM gh = h W_hh^T ([B, H] x [H, 3H]) and
/// the fused cell op; backward = the cell's backward and dh += dgh W_hh ([B, 3H] x [3H, H]). The input projection
/// and the weight-gradient GEMMs run once per sequence in the layer, not per step, so they are not part of a step.
/// </summary>
public class GruStepBenchmarks() : RecurrentStepBenchmark(gateBlocks: 3)
{
    private Tensor gx = null!, gh = null!, bih = null!, bhh = null!, gates = null!, dh = null!, dgx = null!, dgh = null!;

    protected override void PrepareCell(int b, int h)
    {
        gx = Random(0.5f, b, 3 * h);
        gh = Zeros(b, 3 * h);
        bih = Random(0.1f, 3 * h);
        bhh = Random(0.1f, 3 * h);
        gates = Zeros(b, 4 * h);
        dh = Zeros(b, h);
        dgx = Zeros(b, 3 * h);
        dgh = Zeros(b, 3 * h);
        Forward();
    }

    [Benchmark]
    public void Forward()
    {
        Backend.Gemm(false, true, 1f, HPrev, Whh, 0f, gh);
        Backend.GruCellForward(gx, gh, bih, bhh, HPrev, HNext, gates);
    }

    [Benchmark]
    public void Backward()
    {
        Backend.GruCellBackward(Dy, dh, HPrev, gates, dgx, dgh);
        Backend.Gemm(false, false, 1f, dgh, Whh, 1f, dh);
    }
}
