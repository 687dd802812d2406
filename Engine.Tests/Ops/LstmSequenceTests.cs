using RnnEngine.Engine.Tests.Support;
using RnnEngine.Engine.Verification;
using Xunit;

namespace RnnEngine.Engine.Tests.Ops;

/// <summary>
/// The LSTM sequence op on every backend: the catalog's finite-difference checks, the same check at a size where the
/// ILGPU kernels run several groups (B = 19: 8-row tiles, the last one partial) and loop over gate columns (H = 20:
/// 80 gate columns on 96 threads, 8 x 80 per group), and the persistent kernels' launch count, which must not grow with T.
/// </summary>
public class LstmSequenceTests
{
    [Theory, LocalBackends, CudaBackend]
    public void GradChecksPass(string device)
    {
        var checks = GradCheckCatalog.Engine().Where(c => c.Name.StartsWith("lstm-sequence", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, checks.Count);
        foreach (var check in checks)
        {
            var r = check.Run(TestBackends.Get(device));
            Assert.True(r.Pass, $"{r.Name} on {device}: {r.Detail}");
        }
    }

    [Theory, LocalBackends, CudaBackend]
    public void GradCheckPassesWithSeveralRowTiles(string device)
    {
        foreach (bool peephole in new[] { false, true })
        {
            var r = new LstmSequenceCheck(peephole, t: 4, b: 19, f: 3, h: 20).Run(TestBackends.Get(device));
            Assert.True(r.Pass, $"{r.Name} B=19 H=20 on {device}: {r.Detail}");
        }
    }

    /// <summary>
    /// The same with a shared-memory budget too small for W_hh beside the 8-row tile (8 x 120 + 80 x 20 floats > 1024),
    /// so the kernels read W_hh through L2; the default budget above holds it in shared memory.
    /// </summary>
    [Fact]
    public void GradCheckPassesWithWhhReadThroughL2()
    {
        using var backend = IlgpuBackend.CreateSimulator();
        backend.SequenceSharedBudget = 1024;
        foreach (bool peephole in new[] { false, true })
        {
            var r = new LstmSequenceCheck(peephole, t: 4, b: 19, f: 3, h: 20).Run(backend);
            Assert.True(r.Pass, $"{r.Name} B=19 H=20, W_hh through L2: {r.Detail}");
        }
    }

    /// <summary>A budget below one row's 6H floats: the per-step fallback for hidden sizes too large for shared memory.</summary>
    [Fact]
    public void GradCheckPassesOnThePerStepFallback()
    {
        using var backend = IlgpuBackend.CreateSimulator();
        backend.SequenceSharedBudget = 100;
        foreach (bool peephole in new[] { false, true })
        {
            var r = new LstmSequenceCheck(peephole, t: 4, b: 5, f: 3, h: 20).Run(backend);
            Assert.True(r.Pass, $"{r.Name} H=20 per step: {r.Detail}");
        }
    }

    /// <summary>Forward 2 launches (projection GEMM, recurrence); backward 6 (recurrence, dW_ih, dW_hh, biases, dx, peepholes).</summary>
    [Fact]
    public void IlgpuLaunchesDoNotDependOnT()
    {
        // A backend of its own: the shared one counts the launches of tests running in parallel.
        using var backend = IlgpuBackend.CreateSimulator();
        Assert.Equal((2L, 6L), Launches(backend, 3));
        Assert.Equal((2L, 6L), Launches(backend, 9));
    }

    private static (long Forward, long Backward) Launches(IlgpuBackend backend, int t)
    {
        const int b = 2, f = 3, h = 4;
        using var s = new TensorScope(backend);
        var w = new RecurrentLayer(s.Zeros(4 * h, f), s.Zeros(4 * h, h), s.Zeros(4 * h), s.Zeros(4 * h), s.Zeros(3, h));
        var dw = new RecurrentLayer(s.Zeros(4 * h, f), s.Zeros(4 * h, h), s.Zeros(4 * h), s.Zeros(4 * h), s.Zeros(3, h));
        var x = s.Zeros(t * b, f);
        var gates = s.Zeros(t * b, 4 * h);
        var hs = s.Zeros((t + 1) * b, h);
        var cs = s.Zeros((t + 1) * b, h);
        long start = backend.KernelLaunches;
        backend.LstmSequenceForward(t, x, w, gates, hs, cs);
        long forward = backend.KernelLaunches - start;
        start = backend.KernelLaunches;
        backend.LstmSequenceBackward(t, x, w, gates, hs, cs, s.Zeros(t * b, h), s.Zeros(b, h), s.Zeros(b, h), s.Zeros(t * b, 4 * h),
            s.Zeros(t * b, f), s.Zeros(b, h), s.Zeros(b, h), dw);
        return (forward, backend.KernelLaunches - start);
    }
}
