using ILGPU;
using ILGPU.Runtime;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

/// <summary>Arguments of the partial-sum kernel. Mode: 0 = x^2 (sum of squares), 1 = (a - b)^2, 2 = |a - b|.</summary>
internal readonly record struct PartialSumArgs(int N, int Mode, int WriteGrad, float GradScale);

// v1 partial sums: a fixed grid of at most MaxReduceGroups groups of 256 threads; each thread walks the tensor with a
// grid stride, writes the gradient of its elements, and the group folds its threads' sums in shared memory into one
// partial per group. The host reads the partials back and adds them in double, in group order, so the result is
// deterministic (no float atomics) and the device needs no second launch.
public sealed partial class IlgpuBackend
{
    private const int MaxReduceGroups = 64;

    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, PartialSumArgs>? partialSumKernel;
    private MemoryBuffer1D<float, Stride1D.Dense>? partials;
    private readonly float[] partialsHost = new float[MaxReduceGroups];

    protected override double LossSumCore(LossKind kind, Tensor pred, Tensor target, Tensor? grad, float gradScale) =>
        PartialSums(kind == LossKind.Squared ? 1 : 2, pred, target, grad, gradScale);

    /// <summary>Launches the partial-sum kernel over a (and b) and returns the total, read back to the host.</summary>
    private double PartialSums(int mode, Tensor a, Tensor b, Tensor? grad, float gradScale)
    {
        partialSumKernel ??= LoadGroupedKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, PartialSumArgs>(PartialSumKernel);
        partials ??= Accelerator.Allocate1D<float>(MaxReduceGroups);
        int groups = Math.Min(MaxReduceGroups, (a.Length + GroupSize - 1) / GroupSize);
        // Without a gradient the kernel still needs a view argument; it never writes it (WriteGrad = 0).
        ArrayView<float> partialsView = partials.View;
        ArrayView<float> g = grad is null ? partialsView : grad.View;
        partialSumKernel(new KernelConfig(groups, GroupSize), a.View, b.View, g, partialsView,
            new PartialSumArgs(a.Length, mode, grad is null ? 0 : 1, gradScale));
        partialsView.SubView(0, groups).CopyToCPU(partialsHost.AsSpan(0, groups));
        double total = 0;
        for (int i = 0; i < groups; i++) total += partialsHost[i];
        return total;
    }

    private static void PartialSumKernel(ArrayView<float> a, ArrayView<float> b, ArrayView<float> grad, ArrayView<float> partialSums, PartialSumArgs p)
    {
        var shared = SharedMemory.Allocate<float>(GroupSize);
        int tid = Group.IdxX;
        int stride = Grid.DimX * Group.DimX;
        float acc = 0f;
        for (int i = Grid.IdxX * Group.DimX + tid; i < p.N; i += stride)
        {
            if (p.Mode == 0)
            {
                float v = a[i];
                acc += v * v;
            }
            else
            {
                float d = a[i] - b[i];
                if (p.Mode == 1)
                {
                    acc += d * d;
                    if (p.WriteGrad != 0) grad[i] = p.GradScale * d;
                }
                else
                {
                    acc += d < 0f ? -d : d;
                    if (p.WriteGrad != 0) grad[i] = d > 0f ? p.GradScale : d < 0f ? -p.GradScale : 0f;
                }
            }
        }
        shared[tid] = acc;
        Group.Barrier();
        for (int s = GroupSize / 2; s > 0; s >>= 1)
        {
            if (tid < s) shared[tid] += shared[tid + s];
            Group.Barrier();
        }
        if (tid == 0) partialSums[Grid.IdxX] = shared[0];
    }
}
