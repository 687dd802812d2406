using BenchmarkDotNet.Attributes;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Benchmarks;

/// <summary>
/// One LSTM time step as Engine/Layers/Lstm runs it: forward = gates += h W_hh^T ([B, H] x [H, 4H], onto the
/// pre-activations the layer hoisted for the whole sequence) and the cell op writing the activations over the gates;
/// backward = the cell's backward and dh_rec = dGates W_hh ([B, 4H] x [4H, H]).
/// </summary>
public class LstmStepBenchmarks() : RecurrentStepBenchmark(gateBlocks: 4)
{
    private Tensor gates = null!, cPrev = null!, c = null!, act = null!, dhRec = null!, dc = null!, dGates = null!;

    protected override void PrepareCell(int b, int h)
    {
        // The gates hold the previous call's activations (in [-1, 1]) when the next GEMM adds onto them: bounded.
        gates = Random(0.5f, b, 4 * h);
        cPrev = Random(0.5f, b, h);
        c = Zeros(b, h);
        dhRec = Zeros(b, h);
        dc = Zeros(b, h);
        dGates = Zeros(b, 4 * h);
        Forward();
        act = Zeros(b, 4 * h);
        Backend.Copy(gates, act);
    }

    [Benchmark]
    public void Forward()
    {
        Backend.Gemm(false, true, 1f, HPrev, Whh, 1f, gates);
        Backend.LstmCellForward(gates, cPrev, null, HNext, c, gates);
    }

    [Benchmark]
    public void Backward()
    {
        Backend.LstmCellBackward(act, cPrev, c, null, Dy, dhRec, dc, dGates, dc, null);
        Backend.Gemm(false, false, 1f, dGates, Whh, 0f, dhRec);
    }
}
