using RnnEngine.Engine;
using RnnEngine.Engine.Layers;

namespace RnnEngine.Models.Training;

/// <summary>
/// What <see cref="Trainer"/> optimises: training examples addressed by index, one forward and backward pass over a
/// batch of them, and optionally a held-out loss to stop early on. The window models (MSE on float windows) and the
/// token model (masked cross-entropy on id windows) differ only here, so both share one loop with its shuffling,
/// early stopping, rate decay, numeric-fault check, progress and resume state.
/// </summary>
public interface ITrainingTask
{
    Backend Device { get; }

    IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>Unique names of <see cref="Parameters"/> (same order): the numeric-fault message names the parameter.</summary>
    IReadOnlyList<string> ParameterNames { get; }

    /// <summary>Training examples; <see cref="Step"/> receives indices in [0, Count).</summary>
    int Count { get; }

    bool HasValidation { get; }

    /// <summary>Forward and backward over the given examples (every call of an epoch gets the same number):
    /// accumulates the parameter gradients and returns the batch's mean loss.</summary>
    float Step(ReadOnlySpan<int> examples);

    /// <summary>The loss over the held-out examples, in batches of <paramref name="batchSize"/>; only called when
    /// <see cref="HasValidation"/>.</summary>
    double ValidationLoss(int batchSize);

    /// <summary>Called once after each epoch's last step; a non-null return is appended to that epoch's progress line.</summary>
    string? EndEpoch() => null;
}
