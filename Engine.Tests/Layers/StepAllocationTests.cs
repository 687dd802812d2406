using RnnEngine.Engine;
using RnnEngine.Engine.Layers;
using RnnEngine.Engine.Tensors;
using RnnEngine.Engine.Tests.Support;
using Xunit;

namespace RnnEngine.Engine.Tests.Layers;

/// <summary>
/// The time-step loops of the recurrent layers allocate nothing: a forward + backward over 40 steps allocates no more
/// than one over 8 steps on the same layer shape (per-call bookkeeping is allowed, per-step garbage is not).
/// </summary>
public class StepAllocationTests
{
    private const int F = 3, H = 8, B = 4, Short = 8, Long = 40;

    [Fact]
    public void LstmForwardBackwardAllocatesNothingPerStep() =>
        AssertNoPerStepAllocation(backend => new LstmRun(backend, numLayers: 2, peephole: true));

    [Fact]
    public void GruForwardBackwardAllocatesNothingPerStep() =>
        AssertNoPerStepAllocation(backend => new GruRun(backend, numLayers: 2));

    private static void AssertNoPerStepAllocation(Func<Backend, IRun> make)
    {
        var backend = TestBackends.Get("cpu");
        long perCallShort = BytesPerCall(make(backend), Short), perCallLong = BytesPerCall(make(backend), Long);
        long perStep = (perCallLong - perCallShort) / (Long - Short);
        Assert.True(perStep <= 0, $"{perCallShort} bytes per call at T = {Short}, {perCallLong} at T = {Long}: {perStep} bytes per step");
    }

    private static long BytesPerCall(IRun run, int t)
    {
        using var _ = run;
        run.Prepare(t);
        for (int i = 0; i < 3; i++) run.ForwardBackward();
        const int calls = 5;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < calls; i++) run.ForwardBackward();
        return (GC.GetAllocatedBytesForCurrentThread() - before) / calls;
    }

    private interface IRun : IDisposable
    {
        void Prepare(int t);
        void ForwardBackward();
    }

    private abstract class RunBase(Backend backend) : IRun
    {
        protected readonly Backend Device = backend;
        protected Tensor X = null!, Y = null!, Dy = null!, Dx = null!, H0 = null!, HN = null!;

        public virtual void Prepare(int t)
        {
            var rng = new Random(t);
            float[] Fill(int n) { var v = new float[n]; for (int i = 0; i < n; i++) v[i] = (float)(rng.NextDouble() - 0.5); return v; }
            X = Device.FromArray(Fill(t * B * F), t, B, F);
            Dy = Device.FromArray(Fill(t * B * H), t, B, H);
            Y = Device.Zeros(t, B, H);
            Dx = Device.Zeros(t, B, F);
            H0 = Device.FromArray(Fill(2 * B * H), 2, B, H);
            HN = Device.Zeros(2, B, H);
        }

        public abstract void ForwardBackward();

        public virtual void Dispose()
        {
            foreach (var t in new[] { X, Y, Dy, Dx, H0, HN }) t?.Dispose();
        }
    }

    private sealed class LstmRun(Backend backend, int numLayers, bool peephole) : RunBase(backend)
    {
        private readonly Lstm lstm = new(backend, F, H, numLayers, peephole, seed: 7);
        private Tensor c0 = null!, cN = null!;

        public override void Prepare(int t)
        {
            base.Prepare(t);
            c0 = Device.Zeros(2, B, H);
            cN = Device.Zeros(2, B, H);
        }

        public override void ForwardBackward()
        {
            lstm.Forward(X, H0, c0, Y, HN, cN, training: true);
            lstm.Backward(Dy, null, null, Dx, null, null);
        }

        public override void Dispose()
        {
            base.Dispose();
            c0?.Dispose(); cN?.Dispose();
            lstm.Dispose();
        }
    }

    private sealed class GruRun(Backend backend, int numLayers) : RunBase(backend)
    {
        private readonly Gru gru = new(backend, F, H, numLayers, seed: 7);

        public override void ForwardBackward()
        {
            gru.Forward(X, H0, Y, HN, training: true);
            gru.Backward(Dy, null, Dx, null);
        }

        public override void Dispose()
        {
            base.Dispose();
            gru.Dispose();
        }
    }
}
