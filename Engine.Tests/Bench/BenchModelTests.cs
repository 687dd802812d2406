using System.Text.Json;
using RnnEngine.Engine.Tests.Support;
using RnnEngine.Engine.Verification;
using RnnEngine.Models.Bench;
using Xunit;

namespace RnnEngine.Engine.Tests.Bench;

public class BenchModelTests
{
    // H = 20: the cpu cells' Vector512 bodies (16 units) and their scalar tails both run.
    private static BenchConfig Tiny(BenchArch arch, int layers = 2) => new(arch, Features: 3, Window: 4, Hidden: 20, Batch: 2, Layers: layers, Seed: 7);

    public static TheoryData<string, BenchArch> AllCells()
    {
        var d = new TheoryData<string, BenchArch>();
        foreach (string dev in new[] { "cpu", "ilgpu-cpu" })
        foreach (var arch in new[] { BenchArch.Lstm, BenchArch.Gru, BenchArch.GruAttn })
            d.Add(dev, arch);
        return d;
    }

    [Theory]
    [InlineData(BenchArch.Lstm, 1)]
    [InlineData(BenchArch.Lstm, 2)]
    [InlineData(BenchArch.Gru, 1)]
    [InlineData(BenchArch.Gru, 2)]
    [InlineData(BenchArch.GruAttn, 1)]
    [InlineData(BenchArch.GruAttn, 2)]
    public void ParameterCountMatchesThePeerFormula(BenchArch arch, int layers)
    {
        var cfg = new BenchConfig(arch, 5, 6, 8, 3, layers);
        using var model = BenchRunner.CreateModel(TestBackends.Get("cpu"), cfg);
        Assert.Equal(cfg.PeerParameterCount(), model.Parameters.Sum(p => (long)p.Length));
    }

    [Theory]
    // "params" printed by shared/peers/torch_seq_ae.py for --features F --hidden H --layers N (the count does not depend
    // on window or batch): a tiny config and the three peer configs (a), (b), (c)
    [InlineData(BenchArch.Lstm, 3, 4, 2, 623)]
    [InlineData(BenchArch.Gru, 3, 4, 2, 471)]
    [InlineData(BenchArch.GruAttn, 3, 4, 2, 571)]
    [InlineData(BenchArch.Lstm, 25, 64, 1, 48217)]
    [InlineData(BenchArch.Gru, 25, 64, 1, 36569)]
    [InlineData(BenchArch.GruAttn, 25, 64, 1, 58777)]
    [InlineData(BenchArch.Lstm, 1, 32, 1, 8993)]
    [InlineData(BenchArch.Gru, 1, 32, 1, 6753)]
    [InlineData(BenchArch.GruAttn, 1, 32, 1, 11969)]
    [InlineData(BenchArch.Lstm, 51, 128, 2, 456115)]
    [InlineData(BenchArch.Gru, 51, 128, 2, 343731)]
    [InlineData(BenchArch.GruAttn, 51, 128, 2, 432435)]
    public void ParameterFormulaMatchesPeerPrintout(BenchArch arch, int f, int h, int layers, long peer) =>
        Assert.Equal(peer, new BenchConfig(arch, f, 5, h, 2, layers).PeerParameterCount());

    [Theory, MemberData(nameof(AllCells))]
    public void FirstLossMatchesFloat64References(string device, BenchArch arch)
    {
        var cfg = Tiny(arch);
        var backend = TestBackends.Get(device);
        using var model = BenchRunner.CreateModel(backend, cfg);
        float[] host = SineWindows.Batch(cfg.Window, cfg.Batch, cfg.Features, 3, 0);
        using var x = backend.FromArray(host, cfg.Window, cfg.Batch, cfg.Features);
        double reference = model.ReferenceLoss(host);
        float loss = model.TrainLoss(x);
        Assert.True(Tolerances.CheckForward.Accepts(loss, reference), $"{arch} on {device}: loss {loss} vs float64 {reference}");
        Assert.True(Tolerances.BenchLossFirst.Accepts(loss, reference));
    }

    [Theory]
    [InlineData(BenchArch.Lstm)]
    [InlineData(BenchArch.Gru)]
    [InlineData(BenchArch.GruAttn)]
    public void GradientsMatchCentralDifferencesOfTheReference(BenchArch arch)
    {
        var cfg = Tiny(arch);
        var backend = TestBackends.Get("cpu");
        using var model = BenchRunner.CreateModel(backend, cfg);
        float[] host = SineWindows.Batch(cfg.Window, cfg.Batch, cfg.Features, 3, 1);
        using var x = backend.FromArray(host, cfg.Window, cfg.Batch, cfg.Features);
        foreach (var p in model.Parameters) p.ZeroGrad();
        model.TrainLoss(x);
        var rng = new Random(11);
        int checkedCount = 0;
        foreach (var p in model.Parameters)
        {
            float[] grad = p.Grad.ToArray(), value = p.Value.ToArray();
            // a few elements of every parameter tensor: each block of every layer is exercised
            for (int s = 0; s < 3; s++)
            {
                int i = rng.Next(value.Length);
                double h = 1e-3, v0 = value[i];
                value[i] = (float)(v0 + h); p.Value.CopyFrom(value);
                double up = model.ReferenceLoss(host);
                value[i] = (float)(v0 - h); p.Value.CopyFrom(value);
                double down = model.ReferenceLoss(host);
                double realStep = ((float)(v0 + h) - (double)(float)(v0 - h)) / 2;
                value[i] = (float)v0; p.Value.CopyFrom(value);
                double numeric = (up - down) / (2 * realStep);
                Assert.True(Tolerances.RecurrentGradient.Accepts(grad[i], numeric),
                    $"{arch}: d loss / d {p.Name}[{i}] analytic {grad[i]} vs central difference {numeric}");
                checkedCount++;
            }
        }
        Assert.Equal(3 * model.Parameters.Count, checkedCount);
    }

    [Theory]
    [InlineData(BenchArch.Lstm)]
    [InlineData(BenchArch.GruAttn)]
    public void TeacherForcedScoresAverageToTheLoss(BenchArch arch)
    {
        var cfg = Tiny(arch, layers: 1);
        var backend = TestBackends.Get("cpu");
        using var model = BenchRunner.CreateModel(backend, cfg);
        float[] host = SineWindows.Batch(cfg.Window, cfg.Batch, cfg.Features, 3, 2);
        using var x = backend.FromArray(host, cfg.Window, cfg.Batch, cfg.Features);
        using var scores = backend.Zeros(cfg.Batch);
        model.Score(x, teacher: true, scores);
        double mean = scores.ToArray().Average();
        float loss = model.TrainLoss(x);
        Assert.True(Tolerances.Reduction.Accepts(mean, loss), $"mean score {mean} vs loss {loss}");
        model.Score(x, teacher: false, scores);
        Assert.All(scores.ToArray(), s => Assert.True(float.IsFinite(s) && s > 0));
    }

    [Theory]
    [InlineData("lstm")]
    [InlineData("gru")]
    [InlineData("gru-attn")]
    public void BenchPrintsThePeerFieldsAndPassesItsCheck(string arch)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = RnnEngine.Cli.Cli.Run(["bench", "--arch", arch, "--features", "3", "--window", "5", "--hidden", "4", "--batch", "2",
            "--layers", "2", "--threads", "1", "--min-seconds", "0", "--warmup", "1", "--steps", "2", "--score-steps", "2", "--check"],
            stdout, stderr);
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout.ToString().Trim());
        var root = doc.RootElement;
        foreach (string field in new[] { "train_step_ms", "train_windows_per_s", "score_tf_windows_per_s", "score_free_windows_per_s",
                     "params", "loss_first", "loss_after", "device", "threads", "arch", "features", "window", "hidden", "batch",
                     "layers", "peak_rss_mb" })
            Assert.True(root.TryGetProperty(field, out _), $"field {field} missing in {stdout}");
        Assert.Equal(arch, root.GetProperty("arch").GetString());
        Assert.Equal(1, root.GetProperty("threads").GetInt32());
        Assert.Equal(new BenchConfig(BenchConfig.ParseArch(arch), 3, 5, 4, 2, 2).PeerParameterCount(), root.GetProperty("params").GetInt64());
        Assert.True(root.GetProperty("train_windows_per_s").GetDouble() > 0);
        Assert.True(root.GetProperty("peak_rss_mb").GetDouble() > 0);
        Assert.Equal("pass", root.GetProperty("check").GetString());
    }

    /// <summary>
    /// On an ILGPU device the JSON carries the kernel launches of one training step and one scoring call of each kind:
    /// the same at two window lengths (persistent recurrences, one-launch scoring) and none of them on the cpu.
    /// </summary>
    [Theory]
    [InlineData("lstm")]
    [InlineData("gru")]
    public void BenchOnIlgpuCountsLaunchesIndependentOfTheWindow(string arch)
    {
        JsonElement Bench(string device, int window)
        {
            var stdout = new StringWriter();
            int code = RnnEngine.Cli.Cli.Run(["bench", "--arch", arch, "--features", "2", "--window", $"{window}", "--hidden", "4",
                "--batch", "2", "--layers", "1", "--device", device, "--min-seconds", "0", "--warmup", "0", "--steps", "1",
                "--score-steps", "1"], stdout, new StringWriter());
            Assert.Equal(0, code);
            using var doc = JsonDocument.Parse(stdout.ToString().Trim().Split('\n')[^1]);
            return doc.RootElement.Clone();
        }
        var (atFour, atNine) = (Bench("ilgpu-cpu", 4), Bench("ilgpu-cpu", 9));
        foreach (string field in new[] { "launches_train_step", "launches_score_tf", "launches_score_free" })
        {
            long a = atFour.GetProperty(field).GetInt64(), b = atNine.GetProperty(field).GetInt64();
            Assert.True(a == b && a > 0 && a <= 40, $"{arch} {field}: {a} at window 4, {b} at window 9");
        }
        Assert.Equal(1, atNine.GetProperty("launches_score_free").GetInt64());
        Assert.False(Bench("cpu", 4).TryGetProperty("launches_train_step", out _));
    }

    [Fact]
    public void PhasesRunOnTheirOwnThreadCounts()
    {
        using var device = new CpuBackend(2);
        var cfg = Tiny(BenchArch.Lstm, layers: 1);
        var timing = new BenchTiming(MinSeconds: 0, Warmup: 1, Steps: 2, ScoreSteps: 2);
        var r = BenchRunner.Run(device, cfg, timing, checkReference: true, new BenchThreads(1, 2, 1));
        Assert.Equal(1, device.Threads);   // the last phase's count
        Assert.True(Tolerances.BenchLossFirst.Accepts(r.LossFirst, r.LossFirstReference!.Value));
        Assert.Throws<ArgumentOutOfRangeException>(() => device.Threads = 3);
        Assert.Throws<ArgumentOutOfRangeException>(() => device.Threads = 0);
    }

    [Fact]
    public void ThreadProbeTimesOneThreadFirstAndPicksOneOrAll()
    {
        var asked = new List<int>();
        var threads = BenchRunner.ProbeThreads(Tiny(BenchArch.Gru, layers: 1), 2, n => { asked.Add(n); return new CpuBackend(n); });
        Assert.All(new[] { threads.Train, threads.ScoreTf, threads.ScoreFree }, t => Assert.Contains(t, new[] { 1, 2 }));
        // 1 thread first, then all cores; a third probe re-times 1 thread only when all cores looked faster
        Assert.Equal(new[] { 1, 2 }, asked.Take(2));
        Assert.True(asked.Count == 2 || asked[2] == 1, string.Join(",", asked));
    }
}
