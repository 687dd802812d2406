using RnnEngine.Engine.Layers;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Models.Bench;

/// <summary>
/// A peer-benchmark autoencoder over time-major windows x [L, B, F] (fixed L, B, F: every buffer is made in the
/// constructor, so the timed calls allocate no tensors).
/// </summary>
public interface IBenchModel : IDisposable
{
    IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>Teacher-forced forward, MSE against x, backward: accumulates every parameter gradient; returns the loss.</summary>
    float TrainLoss(Tensor x);

    /// <summary>Reconstruction (teacher-forced or fed its own outputs) and per-window MSE into scores [B].</summary>
    void Score(Tensor x, bool teacher, Tensor scores);

    /// <summary>The training loss of x [L, B, F] with the current parameters, computed by the layers' float64 references.</summary>
    double ReferenceLoss(float[] x);
}
