using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

/// <summary>
/// The ILGPU LSTM sequence op's fallback where one batch row's state (6H floats) does not fit the persistent kernel's
/// shared memory (H above about 1,900): per step one GEMM and one cell kernel, launches growing with T as before the
/// persistent kernels. The step views come from the backend's view cache, so the loops allocate nothing after the first call.
/// </summary>
public sealed partial class IlgpuBackend
{
    /// <summary>gates holds x W_ih^T on entry; per step it gets the biases, h_{t-1} W_hh^T and then the activated gates.</summary>
    private void LstmSequenceForwardSteps(int t, int b, int h, RecurrentLayer w, Tensor gates, Tensor hs, Tensor cs)
    {
        int g = 4 * h, bh = b * h;
        for (int s = 0; s < t; s++)
        {
            Tensor gs = View(gates, s * b * g, b, g), hPrev = View(hs, s * bh, b, h), cPrev = View(cs, s * bh, b, h);
            AddBias(gs, w.Bih, gs);
            AddBias(gs, w.Bhh, gs);
            Gemm(false, true, 1f, hPrev, w.Whh, 1f, gs);
            LstmCellForward(gs, cPrev, w.Peephole, View(hs, (s + 1) * bh, b, h), View(cs, (s + 1) * bh, b, h), gs);
        }
    }

    /// <summary>The reverse sweep: per step the cell backward (dPeephole accumulated by it) and dh_{t-1} = dGates_t W_hh.</summary>
    private void LstmSequenceBackwardSteps(int t, int b, int h, RecurrentLayer w, Tensor gates, Tensor cs, Tensor dy, Tensor? dhN,
        Tensor? dcN, Tensor dGates, Tensor? dh0, Tensor? dc0, Tensor? dPeephole)
    {
        int g = 4 * h, bh = b * h;
        Tensor dhRec = Scratch(1, b, h), dc = Scratch(2, b, h);
        if (dhN is null) Fill(dhRec, 0f);
        else Copy(dhN, dhRec);
        if (dcN is null) Fill(dc, 0f);
        else Copy(dcN, dc);
        for (int s = t - 1; s >= 0; s--)
        {
            Tensor dg = View(dGates, s * b * g, b, g);
            LstmCellBackward(View(gates, s * b * g, b, g), View(cs, s * bh, b, h), View(cs, (s + 1) * bh, b, h), w.Peephole,
                View(dy, s * bh, b, h), dhRec, dc, dg, dc, dPeephole);
            Gemm(false, false, 1f, dg, w.Whh, 0f, dhRec);
        }
        if (dh0 is not null) Copy(dhRec, dh0);
        if (dc0 is not null) Copy(dc, dc0);
    }
}
