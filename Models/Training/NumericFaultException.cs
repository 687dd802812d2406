namespace RnnEngine.Models.Training;

/// <summary>
/// Training met a non-finite loss or gradient. The message names the step (epoch, batch, both 1-based) and the first
/// parameter whose gradient is not finite; the weights are those before the faulty step (the update was not applied).
/// </summary>
public sealed class NumericFaultException(int epoch, int batch, string what)
    : Exception($"numeric fault at epoch {epoch}, batch {batch}: {what}; the update was not applied")
{
    public int Epoch { get; } = epoch;
    public int Batch { get; } = batch;
}
