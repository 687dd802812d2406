using RnnEngine.Engine.Tests.Support;
using RnnEngine.Engine.Verification;
using RnnEngine.Models.Bench;
using Xunit;

namespace RnnEngine.Engine.Tests.Ops;

/// <summary>
/// The EncDecScore op on every backend against its float64 spec: the catalog's checks, and a size where the ILGPU kernel
/// runs three groups (B = 19) and loops over gate columns (H = 20) with one and two layers; one launch per call on ILGPU.
/// </summary>
public class EncDecScoreOpTests
{
    [Theory, LocalBackends, CudaBackend]
    public void CatalogChecksPass(string device)
    {
        var checks = GradCheckCatalog.Engine().Where(c => c.Name.StartsWith("encdec-score", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, checks.Count);
        foreach (var check in checks)
        {
            var r = check.Run(TestBackends.Get(device));
            Assert.True(r.Pass, $"{r.Name} on {device}: {r.Detail}");
        }
    }

    [Theory, LocalBackends, CudaBackend]
    public void MatchesTheSpecWithSeveralRowTiles(string device)
    {
        foreach (bool gru in new[] { false, true })
        foreach (bool teacher in new[] { false, true })
        foreach (int layers in new[] { 1, 2 })
        {
            var r = new EncDecScoreCheck(gru, teacher, t: 5, b: 19, f: 3, h: 20, layers).Run(TestBackends.Get(device));
            Assert.True(r.Pass, $"{r.Name} B=19 H=20 layers={layers} on {device}: {r.Detail}");
        }
    }

    [Fact]
    public void IlgpuScoresInOneLaunch()
    {
        // A backend of its own: the shared one counts the launches of tests running in parallel.
        using var backend = IlgpuBackend.CreateSimulator();
        long start = backend.KernelLaunches;
        Assert.True(new EncDecScoreCheck(gru: false, teacher: false, t: 7).Run(backend).Pass);
        Assert.Equal(1, backend.KernelLaunches - start);
    }

    /// <summary>
    /// Three layers are beyond the ILGPU kernel's fixed views: the bench model's score falls back to the per-op path
    /// there and still matches the float64 spec; the cpu fuses any depth.
    /// </summary>
    [Fact]
    public void DeeperStacksFallBackToThePerOpPathOnIlgpu()
    {
        var backend = TestBackends.Get("ilgpu-cpu");
        Assert.False(backend.FusesEncDecScore(3, 4, 2));
        Assert.True(backend.FusesEncDecScore(2, 4, 2));
        Assert.True(TestBackends.Get("cpu").FusesEncDecScore(3, 4, 2));
        var cfg = new BenchConfig(BenchArch.Gru, Features: 2, Window: 4, Hidden: 4, Batch: 3, Layers: 3, Seed: 5);
        float[] host = SineWindows.Batch(cfg.Window, cfg.Batch, cfg.Features, 3, 4);
        using var model = new RecurrentAe(backend, cfg);
        using var x = backend.FromArray(host, cfg.Window, cfg.Batch, cfg.Features);
        using var scores = backend.Zeros(cfg.Batch);
        foreach (bool teacher in new[] { true, false })
        {
            model.Score(x, teacher, scores);
            double[] reference = BenchReference.RecurrentAeScores(cfg, host, model.Parameters, teacher);
            float[] got = scores.ToArray();
            for (int r = 0; r < cfg.Batch; r++)
                Assert.True(Tolerances.CheckForward.Accepts(got[r], reference[r]), $"teacher {teacher} window {r}: {got[r]} vs {reference[r]}");
        }
    }
}
