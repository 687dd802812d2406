namespace RnnEngine.Engine;

public static partial class Reference
{
    /// <summary>Float64 spec of <see cref="Backend.SoftmaxCrossEntropy"/>; dLogits empty = not wanted.</summary>
    public static double SoftmaxCrossEntropy(int n, int v, ReadOnlySpan<double> logits, ReadOnlySpan<int> targets, int paddingId,
        Span<double> dLogits, out double accuracy)
    {
        int count = 0;
        foreach (int t in targets) if (t != paddingId) count++;
        double loss = 0, correct = 0;
        if (!dLogits.IsEmpty) dLogits.Clear();
        for (int i = 0; i < n; i++)
        {
            if (targets[i] == paddingId) continue;
            var row = logits.Slice(i * v, v);
            double max = double.NegativeInfinity;
            int arg = 0;
            for (int k = 0; k < v; k++) if (row[k] > max) { max = row[k]; arg = k; }
            double sum = 0;
            for (int k = 0; k < v; k++) sum += Math.Exp(row[k] - max);
            loss += Math.Log(sum) + max - row[targets[i]];
            if (arg == targets[i]) correct++;
            if (!dLogits.IsEmpty)
                for (int k = 0; k < v; k++)
                    dLogits[i * v + k] = (Math.Exp(row[k] - max) / sum - (k == targets[i] ? 1 : 0)) / count;
        }
        accuracy = count == 0 ? 0 : correct / count;
        return count == 0 ? 0 : loss / count;
    }
}
