namespace RnnEngine.Models.Training;

/// <summary>
/// N training examples of shape [T, F]: inputs and targets, each batch-major [N, T, F] on the host. For reconstruction
/// the two arrays are the same; for next-window prediction the targets are the following windows.
/// </summary>
public sealed record TrainingSet(float[] Inputs, float[] Targets, int Count, int Window, int Features)
{
    public int Stride => Window * Features;

    public static TrainingSet Reconstruction(float[] windows, int window, int features) =>
        new(windows, windows, windows.Length / (window * features), window, features);

    /// <summary>The windows [start, start + count) of this set (copies).</summary>
    public TrainingSet Range(int start, int count)
    {
        if (start < 0 || count < 0 || start + count > Count)
            throw new ArgumentOutOfRangeException(nameof(count), $"windows [{start}, {start + count}) outside a set of {Count}");
        float[] inputs = Inputs.AsSpan(start * Stride, count * Stride).ToArray();
        float[] targets = ReferenceEquals(Inputs, Targets) ? inputs : Targets.AsSpan(start * Stride, count * Stride).ToArray();
        return new TrainingSet(inputs, targets, count, Window, Features);
    }
}
