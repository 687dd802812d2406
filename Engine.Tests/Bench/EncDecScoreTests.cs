using RnnEngine.Engine.Tests.Support;
using RnnEngine.Engine.Verification;
using RnnEngine.Models.Bench;
using Xunit;

namespace RnnEngine.Engine.Tests.Bench;

/// <summary>The cpu's fused EncDec-AD scoring (EncDecScorer) against the float64 spec and the per-op path.</summary>
public class EncDecScoreTests
{
    // B = 19: three 8-row tiles, the last one partial; H = 20: the cells' Vector512 bodies and scalar tails; F = 3 takes
    // the output layer's dot-product path, F = 6 its GEMM panel.
    private static BenchConfig Config(BenchArch arch, int layers, int features, int batch = 19) =>
        new(arch, Features: features, Window: 5, Hidden: 20, Batch: batch, Layers: layers, Seed: 5);

    public static TheoryData<BenchArch, int, int, bool> Cases()
    {
        var d = new TheoryData<BenchArch, int, int, bool>();
        foreach (var arch in new[] { BenchArch.Lstm, BenchArch.Gru })
        foreach (int layers in new[] { 1, 2 })
        foreach (int features in new[] { 3, 6 })
        foreach (bool teacher in new[] { true, false })
            d.Add(arch, layers, features, teacher);
        return d;
    }

    private static float[] Scores(CpuBackend device, BenchConfig cfg, float[] host, bool teacher, bool fused)
    {
        using var model = new RecurrentAe(device, cfg) { FusedScore = fused };
        using var x = device.FromArray(host, cfg.Window, cfg.Batch, cfg.Features);
        using var scores = device.Zeros(cfg.Batch);
        model.Score(x, teacher, scores);
        return scores.ToArray();
    }

    [Theory, MemberData(nameof(Cases))]
    public void FusedScoresMatchTheFloat64Spec(BenchArch arch, int layers, int features, bool teacher)
    {
        var cfg = Config(arch, layers, features);
        var device = (CpuBackend)TestBackends.Get("cpu");
        float[] host = SineWindows.Batch(cfg.Window, cfg.Batch, cfg.Features, 3, 4);
        using var model = new RecurrentAe(device, cfg);
        double[] reference = BenchReference.RecurrentAeScores(cfg, host, model.Parameters, teacher);
        float[] fused = Scores(device, cfg, host, teacher, fused: true);
        for (int r = 0; r < cfg.Batch; r++)
            Assert.True(Tolerances.CheckForward.Accepts(fused[r], reference[r]), $"window {r}: fused {fused[r]} vs float64 {reference[r]}");
    }

    [Theory, MemberData(nameof(Cases))]
    public void FusedScoresMatchThePerOpPath(BenchArch arch, int layers, int features, bool teacher)
    {
        var cfg = Config(arch, layers, features);
        var device = (CpuBackend)TestBackends.Get("cpu");
        float[] host = SineWindows.Batch(cfg.Window, cfg.Batch, cfg.Features, 3, 5);
        float[] fused = Scores(device, cfg, host, teacher, fused: true), perOp = Scores(device, cfg, host, teacher, fused: false);
        for (int r = 0; r < cfg.Batch; r++)
            Assert.True(Tolerances.Reduction.Accepts(fused[r], perOp[r]), $"window {r}: fused {fused[r]} vs per-op {perOp[r]}");
    }

    [Theory]
    [InlineData(BenchArch.Lstm, false)]
    [InlineData(BenchArch.Gru, true)]
    public void ThreadCountDoesNotChangeABit(BenchArch arch, bool teacher)
    {
        var cfg = Config(arch, 2, 6);
        float[] host = SineWindows.Batch(cfg.Window, cfg.Batch, cfg.Features, 3, 6);
        using var one = new CpuBackend(1);
        using var two = new CpuBackend(2);
        Assert.Equal(Scores(one, cfg, host, teacher, fused: true), Scores(two, cfg, host, teacher, fused: true));
    }

    // B = 131: 17 tiles, the last one partial. On one thread one part walks five tile groups (4, 4, 4, 4, 1); on two
    // threads the batch is large enough for one part per thread (8 and 9 tiles), so groups end inside a part.
    [Theory]
    [InlineData(BenchArch.Lstm, true)]
    [InlineData(BenchArch.Gru, false)]
    public void LargeBatchesRunInTileGroupsAndMatchTheSpec(BenchArch arch, bool teacher)
    {
        var cfg = Config(arch, 2, 6, batch: 131);
        float[] host = SineWindows.Batch(cfg.Window, cfg.Batch, cfg.Features, 3, 7);
        using var one = new CpuBackend(1);
        using var two = new CpuBackend(2);
        using var model = new RecurrentAe(one, cfg);
        double[] reference = BenchReference.RecurrentAeScores(cfg, host, model.Parameters, teacher);
        float[] fused = Scores(two, cfg, host, teacher, fused: true);
        for (int r = 0; r < cfg.Batch; r++)
            Assert.True(Tolerances.CheckForward.Accepts(fused[r], reference[r]), $"window {r}: fused {fused[r]} vs float64 {reference[r]}");
        Assert.Equal(Scores(one, cfg, host, teacher, fused: true), fused);
    }
}
