using RnnEngine.Engine;
using RnnEngine.Engine.Layers;

namespace RnnEngine.Models.Architectures;

/// <summary>
/// A model that maps a batch of windows to a batch of windows of the same shape: a reconstruction of the input window
/// or a prediction of the next one, trained with MSE. Batches cross the API on the host, batch-major [B, T, F]; the
/// model moves them to its device (time-major [T, B, F] for the recurrent ones).
/// </summary>
public interface IWindowModel : IDisposable
{
    /// <summary>The model's name in the CLI and checkpoints (Detection.DetectorConfig.ModelNames).</summary>
    string Kind { get; }

    Backend Device { get; }

    /// <summary>Window length T.</summary>
    int Window { get; }

    /// <summary>Features per time step F.</summary>
    int Features { get; }

    IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>Unique names of <see cref="Parameters"/> (same order) for checkpoints: the layers' own names prefixed by role.</summary>
    IReadOnlyList<string> ParameterNames { get; }

    /// <summary>
    /// Forward and backward over one batch: accumulates parameter gradients, returns the MSE loss (mean over B, T, F).
    /// <paramref name="input"/> and <paramref name="target"/> are [B, T, F].
    /// </summary>
    float TrainStep(ReadOnlySpan<float> input, ReadOnlySpan<float> target, int batch);

    /// <summary>Inference over one batch: <paramref name="output"/> [B, T, F] receives the model's output windows.</summary>
    void Predict(ReadOnlySpan<float> input, int batch, Span<float> output);
}
