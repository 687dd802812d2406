using RnnEngine.Engine.Tensors;
using RnnEngine.Engine.Tests.Support;
using RnnEngine.Engine.Verification;
using Xunit;

namespace RnnEngine.Engine.Tests.Ops;

public class LstmCellTests
{
    [Theory, LocalBackends, CudaBackend]
    public void GradChecksPass(string device)
    {
        foreach (var check in GradCheckCatalog.Engine().Where(c => c.Name.StartsWith("lstm-cell", StringComparison.Ordinal)))
        {
            var r = check.Run(TestBackends.Get(device));
            Assert.True(r.Pass, $"{r.Name} on {device}: {r.Detail}");
        }
    }

    /// <summary>The layer runs the cell in place (act over gates, c over c_prev, dc_prev over dc_next): same results.</summary>
    [Theory, LocalBackends, CudaBackend]
    public void InPlaceEqualsOutOfPlace(string device)
    {
        var backend = TestBackends.Get(device);
        const int b = 3, h = 17;
        float[] gates = Data.ToFloat(Data.Uniform(1, b * 4 * h, -2, 2)), cPrev = Data.ToFloat(Data.Uniform(2, b * h));
        float[] peep = Data.ToFloat(Data.Uniform(3, 3 * h)), dh = Data.ToFloat(Data.Uniform(4, b * h)), dcn = Data.ToFloat(Data.Uniform(5, b * h));
        using var s = new TensorScope(backend);
        var g1 = s.Of(gates, b, 4 * h); var c1 = s.Zeros(b, h); var a1 = s.Zeros(b, 4 * h); var h1 = s.Zeros(b, h);
        var cp1 = s.Of(cPrev, b, h); var p = s.Of(peep, 3, h);
        backend.LstmCellForward(g1, cp1, p, h1, c1, a1);
        var g2 = s.Of(gates, b, 4 * h); var c2 = s.Of(cPrev, b, h); var h2 = s.Zeros(b, h);
        backend.LstmCellForward(g2, c2, p, h2, c2, g2);
        Assert.Equal(a1.ToArray(), g2.ToArray());
        Assert.Equal(c1.ToArray(), c2.ToArray());
        Assert.Equal(h1.ToArray(), h2.ToArray());

        var dhT = s.Of(dh, b, h);
        var dg1 = s.Zeros(b, 4 * h); var dcp1 = s.Zeros(b, h); var dp1 = s.Zeros(3, h);
        backend.LstmCellBackward(a1, cp1, c1, p, dhT, null, s.Of(dcn, b, h), dg1, dcp1, dp1);
        var dg2 = s.Zeros(b, 4 * h); var dc2 = s.Of(dcn, b, h); var dp2 = s.Zeros(3, h);
        backend.LstmCellBackward(a1, cp1, c1, p, dhT, null, dc2, dg2, dc2, dp2);
        Assert.Equal(dg1.ToArray(), dg2.ToArray());
        Assert.Equal(dcp1.ToArray(), dc2.ToArray());
        Assert.Equal(dp1.ToArray(), dp2.ToArray());
    }

    /// <summary>The cell runs once per time step: on cpu (serial path, with peepholes) it must not allocate.</summary>
    [Fact]
    public void CpuCellDoesNotAllocate()
    {
        var backend = TestBackends.Get("cpu");
        const int b = 4, h = 20;
        using var s = new TensorScope(backend);
        var gates = s.Of(Data.ToFloat(Data.Uniform(1, b * 4 * h)), b, 4 * h);
        var cPrev = s.Of(Data.ToFloat(Data.Uniform(2, b * h)), b, h);
        var p = s.Of(Data.ToFloat(Data.Uniform(3, 3 * h)), 3, h);
        Tensor hOut = s.Zeros(b, h), c = s.Zeros(b, h), act = s.Zeros(b, 4 * h), dh = s.Zeros(b, h), dGates = s.Zeros(b, 4 * h);
        Tensor dc = s.Zeros(b, h), dp = s.Zeros(3, h);
        void Step()
        {
            backend.LstmCellForward(gates, cPrev, p, hOut, c, act);
            backend.LstmCellBackward(act, cPrev, c, p, dh, dh, dc, dGates, dc, dp);
        }
        Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) Step();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void ShapeMismatchNamesOpAndShapes()
    {
        var backend = TestBackends.Get("cpu");
        using var s = new TensorScope(backend);
        var e = Assert.Throws<ArgumentException>(() =>
            backend.LstmCellForward(s.Zeros(2, 8), s.Zeros(2, 3), null, s.Zeros(2, 2), s.Zeros(2, 2), s.Zeros(2, 8)));
        Assert.Contains("lstm-cell-forward", e.Message);
        Assert.Contains("[2, 3]", e.Message);
        Assert.Contains("[2, 2]", e.Message);
        e = Assert.Throws<ArgumentException>(() =>
            backend.LstmCellForward(s.Zeros(2, 7), s.Zeros(2, 3), null, s.Zeros(2, 2), s.Zeros(2, 2), s.Zeros(2, 8)));
        Assert.Contains("[2, 7]", e.Message);
    }
}
