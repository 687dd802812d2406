using RnnEngine.Models.Architectures;

namespace RnnEngine.Models.Training;

/// <summary>Runs a model over many windows in fixed-size batches (the last one zero-padded, so layer buffers keep one shape).</summary>
public static class Inference
{
    /// <returns>the model's output for every window, [N, T, F]</returns>
    public static float[] PredictAll(IWindowModel model, ReadOnlySpan<float> inputs, int count, int batchSize = 64)
    {
        int stride = model.Window * model.Features;
        if (inputs.Length != count * stride)
            throw new ArgumentException($"{model.Kind}: {inputs.Length} values are not {count} windows of [T={model.Window}, F={model.Features}]");
        var result = new float[count * stride];
        int b = Math.Max(1, Math.Min(batchSize, count));
        var padIn = new float[b * stride];
        var padOut = new float[b * stride];
        for (int start = 0; start < count; start += b)
        {
            int n = Math.Min(b, count - start);
            if (n == b)
            {
                model.Predict(inputs.Slice(start * stride, b * stride), b, result.AsSpan(start * stride, b * stride));
                continue;
            }
            padIn.AsSpan().Clear();
            inputs.Slice(start * stride, n * stride).CopyTo(padIn);
            model.Predict(padIn, b, padOut);
            padOut.AsSpan(0, n * stride).CopyTo(result.AsSpan(start * stride));
        }
        return result;
    }

    /// <summary>Mean squared error between the model's outputs and the targets over a whole set.</summary>
    public static double Loss(IWindowModel model, TrainingSet set, int batchSize = 64)
    {
        if (set.Count == 0) return double.NaN;
        float[] output = PredictAll(model, set.Inputs, set.Count, batchSize);
        double sum = 0;
        for (int i = 0; i < output.Length; i++)
        {
            double d = output[i] - set.Targets[i];
            sum += d * d;
        }
        return sum / output.Length;
    }
}
