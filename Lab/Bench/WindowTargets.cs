using RnnEngine.Engine;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Models.Bench;

/// <summary>
/// Reverse-order reconstruction bookkeeping shared by the bench models: the target sequence xr[k] = x[L-1-k] [L, B, F]
/// (the decoder produces x'(L) first) and the per-window MSE score of a reconstruction.
/// </summary>
internal sealed class WindowTargets : IDisposable
{
    private readonly Backend device;
    private readonly int window, batch;
    private readonly Tensor rowMeans;        // [L*B]: mean over F of each (step, window) squared error
    private readonly Tensor rowMeansMatrix;  // the same as [L, B] for the sum over steps

    public readonly Tensor Reversed;         // [L, B, F]
    public readonly Tensor ReversedFlat;     // [L*B, F]

    public WindowTargets(Backend device, int window, int batch, int features)
    {
        this.device = device;
        this.window = window;
        this.batch = batch;
        Reversed = device.Zeros(window, batch, features);
        ReversedFlat = Reversed.Reshape(window * batch, features);
        rowMeans = device.Zeros(window * batch);
        rowMeansMatrix = rowMeans.Reshape(window, batch);
    }

    /// <summary>Fills <see cref="Reversed"/> from x [L, B, F].</summary>
    // One op over the whole window: a copy per step cost L op calls (and L view objects whenever the batch tensor
    // changed, i.e. every call of the bench, which rotates over 8 and 4 batches).
    public void Load(Tensor x) => device.ReverseTime(x, Reversed);

    /// <summary>scores [B] = mean over (t, f) of (reconstruction - target)^2; the reconstruction [L*B, F] is overwritten.</summary>
    public void Score(Tensor reconstructionReversed, Tensor scores)
    {
        device.Axpy(-1f, ReversedFlat, reconstructionReversed);
        device.Mul(reconstructionReversed, reconstructionReversed, reconstructionReversed);
        device.ReduceRows(ReductionKind.Mean, reconstructionReversed, rowMeans);
        device.ColumnSum(rowMeansMatrix, scores, accumulate: false);
        device.Scale(scores, 1f / window);
    }

    public int Batch => batch;

    public void Dispose()
    {
        Reversed.Dispose();
        rowMeans.Dispose();
    }
}
