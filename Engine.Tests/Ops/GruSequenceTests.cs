using RnnEngine.Engine.Tests.Support;
using RnnEngine.Engine.Verification;
using Xunit;

namespace RnnEngine.Engine.Tests.Ops;

/// <summary>The GRU sequence op on every backend, as <see cref="LstmSequenceTests"/> for the LSTM.</summary>
public class GruSequenceTests
{
    [Theory, LocalBackends, CudaBackend]
    public void GradCheckPasses(string device)
    {
        var check = Assert.Single(GradCheckCatalog.Engine(), c => c.Name == "gru-sequence");
        var r = check.Run(TestBackends.Get(device));
        Assert.True(r.Pass, $"{r.Name} on {device}: {r.Detail}");
    }

    [Theory, LocalBackends, CudaBackend]
    public void GradCheckPassesWithSeveralRowTiles(string device)
    {
        var r = new GruSequenceCheck(t: 4, b: 19, f: 3, h: 20).Run(TestBackends.Get(device));
        Assert.True(r.Pass, $"{r.Name} B=19 H=20 on {device}: {r.Detail}");
    }

    /// <summary>W_hh read through L2 (8 x 80 + 60 x 20 floats > 1024), as the LSTM's test.</summary>
    [Fact]
    public void GradCheckPassesWithWhhReadThroughL2()
    {
        using var backend = IlgpuBackend.CreateSimulator();
        backend.SequenceSharedBudget = 1024;
        var r = new GruSequenceCheck(t: 4, b: 19, f: 3, h: 20).Run(backend);
        Assert.True(r.Pass, $"{r.Name} B=19 H=20, W_hh through L2: {r.Detail}");
    }

    /// <summary>A budget below one row's 4H floats: the per-step fallback for hidden sizes too large for shared memory.</summary>
    [Fact]
    public void GradCheckPassesOnThePerStepFallback()
    {
        using var backend = IlgpuBackend.CreateSimulator();
        backend.SequenceSharedBudget = 60;
        var r = new GruSequenceCheck(t: 4, b: 5, f: 3, h: 20).Run(backend);
        Assert.True(r.Pass, $"{r.Name} H=20 per step: {r.Detail}");
    }

    /// <summary>Forward 2 launches (projection GEMM, recurrence); backward 5 (recurrence, dW_ih, dW_hh, biases, dx).</summary>
    [Fact]
    public void IlgpuLaunchesDoNotDependOnT()
    {
        // A backend of its own: the shared one counts the launches of tests running in parallel.
        using var backend = IlgpuBackend.CreateSimulator();
        Assert.Equal((2L, 5L), Launches(backend, 3));
        Assert.Equal((2L, 5L), Launches(backend, 9));
    }

    private static (long Forward, long Backward) Launches(IlgpuBackend backend, int t)
    {
        const int b = 2, f = 3, h = 4;
        using var s = new TensorScope(backend);
        var w = new RecurrentLayer(s.Zeros(3 * h, f), s.Zeros(3 * h, h), s.Zeros(3 * h), s.Zeros(3 * h));
        var dw = new RecurrentLayer(s.Zeros(3 * h, f), s.Zeros(3 * h, h), s.Zeros(3 * h), s.Zeros(3 * h));
        var x = s.Zeros(t * b, f);
        var gates = s.Zeros(t * b, 4 * h);
        var hs = s.Zeros((t + 1) * b, h);
        long start = backend.KernelLaunches;
        backend.GruSequenceForward(t, x, w, gates, hs);
        long forward = backend.KernelLaunches - start;
        start = backend.KernelLaunches;
        backend.GruSequenceBackward(t, x, w, gates, hs, s.Zeros(t * b, h), s.Zeros(b, h), s.Zeros(t * b, 3 * h), s.Zeros(t * b, 3 * h),
            s.Zeros(t * b, f), s.Zeros(b, h), dw);
        return (forward, backend.KernelLaunches - start);
    }
}
