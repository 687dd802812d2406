using System.CommandLine;
using System.Globalization;
using RnnEngine.Engine;
using RnnEngine.Engine.Verification;
using RnnEngine.Models.Bench;

namespace RnnEngine.Cli.Commands;

/// <summary>
/// `rnnengine bench --arch lstm|gru|gru-attn --features F --window L --hidden H --batch B --layers N [--device D]
/// [--threads T] [--min-seconds S] [--seed S] [--check]`: the workload of shared/peers/torch_seq_ae.py with the same
/// flags, printed as one JSON line with the peer's fields (plus device, threads (of training), threads_score_tf,
/// threads_score_free, threads_from and peak_rss_mb). Without --threads on cpu a short probe chooses between 1 thread and
/// all cores for each phase (threads_from "probe"). --check also computes
/// the first loss with the float64 references and fails (exit 1) when it differs by more than Tolerances.BenchLossFirst.
/// </summary>
public static partial class BenchCommand
{
    private static Command BuildPeer(TextWriter stdout, TextWriter stderr)
    {
        var arch = Opt.Choice("--arch", "lstm", "the peer's model: LSTM or GRU autoencoder, or GRU autoencoder with additive attention", "lstm", "gru", "gru-attn");
        var features = Opt.Int("--features", 25, 1, 1 << 16, "features per time step (F)");
        var window = Opt.Int("--window", 100, 2, 1 << 20, "time steps per window (T)");
        var hidden = Opt.Int("--hidden", 64, 1, 1 << 14, "hidden units (H)");
        var batch = Opt.Int("--batch", 64, 1, 1 << 16, "windows per step (B)");
        var layers = Opt.Int("--layers", 1, 1, 16, "stacked recurrent layers");
        var seed = Opt.Seed(0);
        var device = Opt.Device("cpu");
        var threads = Opt.Int("--threads", 0, 0, 256, "cpu threads (0: a short probe picks 1 or all cores for each phase)");
        var minSeconds = Opt.Double("--min-seconds", 3.0, 0, 3600, "time each phase at least this long", "S");
        var warmup = Opt.Int("--warmup", 5, 0, 100_000, "untimed training steps first");
        var steps = Opt.Int("--steps", 30, 1, 10_000_000, "timed training steps (at least)");
        var scoreSteps = Opt.Int("--score-steps", 20, 1, 10_000_000, "timed scoring steps (at least)");
        var check = Opt.Flag("--check", "also compute the first loss with the float64 references; exit 1 when it differs beyond tolerance");
        var c = new Command("bench", "the peer workload (shared/peers/torch_seq_ae.py) end to end: train and score steps, one JSON line with the peer's fields; 'bench gemm' times one GEMM")
        {
            arch, features, window, hidden, batch, layers, seed, device, threads, minSeconds, warmup, steps, scoreSteps, check,
        };
        c.SetAction(p =>
        {
            var cfg = new BenchConfig(BenchConfig.ParseArch(p.GetValue(arch)!), p.GetValue(features), p.GetValue(window), p.GetValue(hidden),
                p.GetValue(batch), p.GetValue(layers), (ulong)p.GetValue(seed));
            var timing = new BenchTiming(p.GetValue(minSeconds), p.GetValue(warmup), p.GetValue(steps), p.GetValue(scoreSteps));
            return Peer(cfg, timing, p.GetValue(device)!, p.GetValue(threads), p.GetValue(check), stdout, stderr);
        });
        return c;
    }

    private static int Peer(BenchConfig cfg, BenchTiming timing, string device, int threads, bool check, TextWriter stdout, TextWriter stderr)
    {

        // No --threads on cpu: a short probe picks 1 thread or all cores for each phase (BenchRunner.ProbeThreads).
        bool probed = threads == 0 && device == "cpu" && Environment.ProcessorCount > 1;
        BenchThreads? phases = probed ? BenchRunner.ProbeThreads(cfg, Environment.ProcessorCount, t => Devices.Create(device, t)) : null;
        using var backend = Devices.Create(device, phases?.Max ?? threads);
        if (phases is null && backend is CpuBackend fixedCpu) phases = BenchThreads.All(fixedCpu.Threads);
        var r = BenchRunner.Run(backend, cfg, timing, check, phases);
        int usedThreads = phases?.Train ?? 0;
        int b = cfg.Batch;
        var ic = CultureInfo.InvariantCulture;
        string F(double v, int digits) => double.IsFinite(v) ? Math.Round(v, digits).ToString("R", ic) : "null";
        var json = new List<string>
        {
            "\"engine\":\"rnnengine\"", $"\"device\":\"{backend.Name}\"", $"\"threads\":{usedThreads}",
            $"\"threads_from\":\"{(probed ? "probe" : threads > 0 ? "flag" : "default")}\"",
            $"\"threads_score_tf\":{phases?.ScoreTf ?? 0}", $"\"threads_score_free\":{phases?.ScoreFree ?? 0}",
            $"\"arch\":\"{cfg.ArchName}\"", $"\"features\":{cfg.Features}", $"\"window\":{cfg.Window}", $"\"hidden\":{cfg.Hidden}",
            $"\"batch\":{b}", $"\"layers\":{cfg.Layers}", $"\"score_batch\":{b}", $"\"params\":{r.Params}",
            $"\"train_step_ms\":{F(r.TrainStepMs, 3)}", $"\"train_windows_per_s\":{F(b / r.TrainStepMs * 1e3, 1)}",
            $"\"train_steps_timed\":{r.TrainStepsTimed}",
            $"\"score_tf_ms\":{F(r.ScoreTfMs, 3)}", $"\"score_tf_windows_per_s\":{F(b / r.ScoreTfMs * 1e3, 1)}",
            $"\"score_free_ms\":{F(r.ScoreFreeMs, 3)}", $"\"score_free_windows_per_s\":{F(b / r.ScoreFreeMs * 1e3, 1)}",
            $"\"loss_first\":{F(r.LossFirst, 5)}", $"\"loss_after\":{F(r.LossAfter, 5)}",
            $"\"alloc_bytes_per_train_step\":{r.AllocatedBytesPerTrainStep}",
            $"\"peak_rss_mb\":{F(BenchRunner.PeakRssMb(), 1)}",
        };
        // Kernel launches per call (ILGPU devices): on a GPU these small models are bound by launches, not arithmetic.
        if (r.Launches is { } n)
            json.AddRange([$"\"launches_train_step\":{n.TrainStep}", $"\"launches_score_tf\":{n.ScoreTf}", $"\"launches_score_free\":{n.ScoreFree}"]);
        bool ok = true;
        if (r.LossFirstReference is double reference)
        {
            double rel = Math.Abs(r.LossFirst - reference) / Math.Abs(reference);
            ok = Tolerances.BenchLossFirst.Accepts(r.LossFirst, reference);
            json.Add($"\"loss_first_f64\":{F(reference, 8)}");
            json.Add($"\"loss_first_rel_err\":{rel.ToString("E3", ic)}");
            json.Add($"\"check\":\"{(ok ? "pass" : "fail")}\"");
        }
        stdout.WriteLine("{" + string.Join(",", json) + "}");
        stderr.WriteLine(string.Create(ic,
            $"# {cfg.ArchName} F={cfg.Features} L={cfg.Window} H={cfg.Hidden} B={b} layers={cfg.Layers} threads={usedThreads}/{phases?.ScoreTf ?? 0}/{phases?.ScoreFree ?? 0}: " +
            $"train {b / r.TrainStepMs * 1e3:F1} win/s ({r.TrainStepMs:F3} ms/step), score(tf) {b / r.ScoreTfMs * 1e3:F1} win/s, " +
            $"score(free) {b / r.ScoreFreeMs * 1e3:F1} win/s"));
        return ok ? 0 : 1;
    }
}
