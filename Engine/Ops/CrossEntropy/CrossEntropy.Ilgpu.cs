using ILGPU;
using ILGPU.Runtime;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

internal readonly record struct CrossEntropyArgs(int V, int PaddingId, int WantGrad, float GradScale);

public sealed partial class IlgpuBackend
{
    // v1: one thread per row loops over the vocabulary (V ~ 100 in seed 004); per-row loss and hit go to a scratch
    // buffer [2N] that is summed on the host in a fixed order.
    private Action<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, CrossEntropyArgs>? crossEntropy;
    private MemoryBuffer1D<float, Stride1D.Dense>? crossEntropyRows;
    private float[] crossEntropyHost = [];

    protected override (double LossSum, double Correct) SoftmaxCrossEntropyCore(int n, int v, Tensor logits, TokenIds targets,
        int paddingId, Tensor? dLogits, float gradScale)
    {
        crossEntropy ??= LoadAutoKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>,
            ArrayView<float>, CrossEntropyArgs>(CrossEntropyKernel);
        if (crossEntropyRows is null || crossEntropyRows.Length < 2 * n)
        {
            crossEntropyRows?.Dispose();
            crossEntropyRows = Accelerator.Allocate1D<float>(2 * n);
            crossEntropyHost = new float[2 * n];
        }
        ArrayView<float> rows = crossEntropyRows.View.SubView(0, 2 * n);
        crossEntropy(n, logits.View, targets.View, dLogits is null ? rows : dLogits.View, rows,
            new CrossEntropyArgs(v, paddingId, dLogits is null ? 0 : 1, gradScale));
        rows.CopyToCPU(crossEntropyHost.AsSpan(0, 2 * n));
        double total = 0, correct = 0;
        for (int i = 0; i < n; i++) { total += crossEntropyHost[2 * i]; correct += crossEntropyHost[2 * i + 1]; }
        return (total, correct);
    }

    private static void CrossEntropyKernel(Index1D i, ArrayView<float> logits, ArrayView<int> targets, ArrayView<float> grad,
        ArrayView<float> rows, CrossEntropyArgs p)
    {
        int target = targets[i], v = p.V, o = i * v;
        if (target == p.PaddingId)
        {
            rows[2 * i] = 0;
            rows[2 * i + 1] = 0;
            if (p.WantGrad != 0) for (int k = 0; k < v; k++) grad[o + k] = 0;
            return;
        }
        float max = float.NegativeInfinity;
        int arg = 0;
        for (int k = 0; k < v; k++) { float x = logits[o + k]; if (x > max) { max = x; arg = k; } }
        float sum = 0;
        for (int k = 0; k < v; k++) sum += MathF.Exp(logits[o + k] - max);
        rows[2 * i] = MathF.Log(sum) + max - logits[o + target];
        rows[2 * i + 1] = arg == target ? 1f : 0f;
        if (p.WantGrad == 0) return;
        float inv = 1f / sum;
        for (int k = 0; k < v; k++) grad[o + k] = (MathF.Exp(logits[o + k] - max) * inv - (k == target ? 1f : 0f)) * p.GradScale;
    }
}
