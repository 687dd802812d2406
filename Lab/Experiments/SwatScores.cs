namespace RnnEngine.Models.Experiments;

/// <summary>How seed 000's run scores a reconstructed window.</summary>
public enum SwatScore
{
    /// <summary>Per channel: mean absolute error over the window divided by that channel's mean on the normal
    /// validation windows; the window's score is the largest of these over the channels.</summary>
    Channel,
    /// <summary>The seed's: mean squared error over all T x F values of the window.</summary>
    WindowMse,
}

/// <summary>
/// Window scores from reconstructions, [N, T, F] inputs and outputs. Why the channel score: an attack on SWaT touches one
/// or two of 51 channels, while the unreconstructable ones (white-noise flows and pressures of stages 4-6, AR(1)
/// analysers, the backwash spike) set the level of the window MSE; a spoofed level sensor is a large error on a channel
/// the model otherwise reconstructs well, which the 51-channel mean dilutes and the per-channel ratio does not.
/// </summary>
public static class SwatScores
{
    /// <summary>Channel error scales below this (scaled units: 1 % of a channel's normal sd) are treated as this, so a
    /// channel that is constant on normal data (error ~0) does not turn float noise into huge ratios.</summary>
    public const double ScaleFloor = 0.01;

    /// <summary>Mean absolute error per window and channel over the window's T steps, [N, F].</summary>
    public static double[] ChannelErrors(ReadOnlySpan<float> input, ReadOnlySpan<float> output, int count, int window, int features)
    {
        if (input.Length != count * window * features || output.Length != input.Length)
            throw new ArgumentException($"swat scores: {input.Length} inputs and {output.Length} outputs for [{count}, {window}, {features}]");
        var errors = new double[count * features];
        for (int w = 0; w < count; w++)
        {
            Span<double> e = errors.AsSpan(w * features, features);
            for (int t = 0; t < window; t++)
            {
                int row = (w * window + t) * features;
                for (int c = 0; c < features; c++) e[c] += Math.Abs(output[row + c] - input[row + c]);
            }
            for (int c = 0; c < features; c++) e[c] /= window;
        }
        return errors;
    }

    /// <summary>Each channel's mean error over the (normal) windows, at least <see cref="ScaleFloor"/>, [F].</summary>
    public static double[] ChannelScales(ReadOnlySpan<double> channelErrors, int count, int features)
    {
        if (count <= 0 || channelErrors.Length != count * features)
            throw new ArgumentException($"swat scores: {channelErrors.Length} channel errors for {count} windows of {features} channels");
        var scales = new double[features];
        for (int w = 0; w < count; w++)
            for (int c = 0; c < features; c++) scales[c] += channelErrors[w * features + c];
        for (int c = 0; c < features; c++) scales[c] = Math.Max(scales[c] / count, ScaleFloor);
        return scales;
    }

    /// <summary>Per window: max over channels of error / scale; <paramref name="top"/> gets the channel that attains it.</summary>
    public static double[] MaxRatio(ReadOnlySpan<double> channelErrors, ReadOnlySpan<double> scales, int count, int[] top)
    {
        int features = scales.Length;
        if (channelErrors.Length != count * features || top.Length != count)
            throw new ArgumentException($"swat scores: {channelErrors.Length} channel errors for {count} windows of {features} channels");
        var scores = new double[count];
        for (int w = 0; w < count; w++)
        {
            double best = double.NegativeInfinity;
            for (int c = 0; c < features; c++)
            {
                double r = channelErrors[w * features + c] / scales[c];
                if (r > best) { best = r; top[w] = c; }
            }
            scores[w] = best;
        }
        return scores;
    }

    /// <summary>The seed's score: mean squared error over each window's T x F values.</summary>
    public static double[] WindowMse(ReadOnlySpan<float> input, ReadOnlySpan<float> output, int count)
    {
        if (count <= 0 || input.Length % count != 0 || output.Length != input.Length)
            throw new ArgumentException($"swat scores: {input.Length} inputs and {output.Length} outputs for {count} windows");
        int size = input.Length / count;
        var scores = new double[count];
        for (int w = 0; w < count; w++)
        {
            double sum = 0;
            for (int i = w * size; i < (w + 1) * size; i++)
            {
                double d = output[i] - input[i];
                sum += d * d;
            }
            scores[w] = sum / size;
        }
        return scores;
    }
}
