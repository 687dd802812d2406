using System.Runtime.Intrinsics;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

public sealed partial class CpuBackend
{
    protected override (double LossSum, double Correct) SoftmaxCrossEntropyCore(int n, int v, Tensor logits, TokenIds targets,
        int paddingId, Tensor? dLogits, float gradScale)
    {
        // Rows are independent (exp sums and gradients 16 lanes per Vector512 step); per-row results go to arrays so the sums are taken in a fixed order (deterministic).
        var loss = new double[n];
        var hit = new bool[n];
        void Row(int i)
        {
            int target = targets.Host[i];
            Span<float> grad = dLogits is null ? default : dLogits.Span.Slice(i * v, v);
            if (target == paddingId)
            {
                grad.Clear();
                return;
            }
            ReadOnlySpan<float> row = logits.Span.Slice(i * v, v);
            float max = float.NegativeInfinity;
            int arg = 0;
            for (int k = 0; k < v; k++) if (row[k] > max) { max = row[k]; arg = k; }
            float sum = 0;
            int c = 0;
            var vmax = Vector512.Create(max);
            if (Vector512.IsHardwareAccelerated)
            {
                var acc = Vector512<float>.Zero;
                for (; c <= v - 16; c += 16) acc += Vector512.Exp(Vector512.Create(row.Slice(c, 16)) - vmax);
                sum = Vector512.Sum(acc);
            }
            for (; c < v; c++) sum += MathF.Exp(row[c] - max);
            loss[i] = MathF.Log(sum) + max - row[target];
            hit[i] = arg == target;
            if (dLogits is null) return;
            float inv = 1f / sum;
            c = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                var scale = Vector512.Create(inv * gradScale);
                for (; c <= v - 16; c += 16)
                    (Vector512.Exp(Vector512.Create(row.Slice(c, 16)) - vmax) * scale).CopyTo(grad.Slice(c, 16));
            }
            for (; c < v; c++) grad[c] = MathF.Exp(row[c] - max) * inv * gradScale;
            grad[target] -= gradScale;
        }

        if ((long)n * v < 65_536) { for (int i = 0; i < n; i++) Row(i); }
        else ParallelFor(n, Row);
        double total = 0, correct = 0;
        for (int i = 0; i < n; i++) { total += loss[i]; if (hit[i]) correct++; }
        return (total, correct);
    }
}
