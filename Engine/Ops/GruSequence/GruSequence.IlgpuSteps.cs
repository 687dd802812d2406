using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

/// <summary>
/// The ILGPU GRU sequence op's fallback where one batch row's state (4H floats) does not fit the persistent kernel's
/// shared memory (H above about 2,800): per step one GEMM and one cell kernel, as the LSTM's (LstmSequence.IlgpuSteps.cs).
/// </summary>
public sealed partial class IlgpuBackend
{
    private void GruSequenceForwardSteps(int t, int b, int h, RecurrentLayer w, Tensor gx, Tensor gates, Tensor hs)
    {
        int g = 3 * h, bh = b * h;
        Tensor gh = Scratch(3, b, g);
        for (int s = 0; s < t; s++)
        {
            Tensor hPrev = View(hs, s * bh, b, h);
            Gemm(false, true, 1f, hPrev, w.Whh, 0f, gh);
            GruCellForward(View(gx, s * b * g, b, g), gh, w.Bih, w.Bhh, hPrev, View(hs, (s + 1) * bh, b, h), View(gates, s * b * 4 * h, b, 4 * h));
        }
    }

    /// <summary>The reverse sweep: per step the cell backward (dh becomes dh' z), then dh += dgh_t W_hh.</summary>
    private void GruSequenceBackwardSteps(int t, int b, int h, RecurrentLayer w, Tensor gates, Tensor hs, Tensor dy, Tensor? dhN,
        Tensor dgx, Tensor dgh, Tensor? dh0)
    {
        int g = 3 * h, bh = b * h;
        Tensor dh = Scratch(4, b, h);
        if (dhN is null) Fill(dh, 0f);
        else Copy(dhN, dh);
        for (int s = t - 1; s >= 0; s--)
        {
            Tensor dghStep = View(dgh, s * b * g, b, g);
            GruCellBackward(View(dy, s * bh, b, h), dh, View(hs, s * bh, b, h), View(gates, s * b * 4 * h, b, 4 * h),
                View(dgx, s * b * g, b, g), dghStep);
            Gemm(false, false, 1f, dghStep, w.Whh, 1f, dh);
        }
        if (dh0 is not null) Copy(dh, dh0);
    }
}
