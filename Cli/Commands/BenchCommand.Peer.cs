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
    private static int Peer(CommandArgs args, TextWriter stdout, TextWriter stderr)
    {
        string archName = args.String("arch", "lstm");
        BenchArch arch;
        try { arch = BenchConfig.ParseArch(archName); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
        var cfg = new BenchConfig(arch, args.Int("features", 25, 1), args.Int("window", 100, 2), args.Int("hidden", 64, 1),
            args.Int("batch", 64, 1), args.Int("layers", 1, 1, 16), (ulong)args.Int("seed", 0, 0));
        string device = args.String("device", "cpu");
        int threads = args.Int("threads", 0, 0, 256);
        var timing = new BenchTiming(args.Double("min-seconds", 3.0, 0, 3600), args.Int("warmup", 5, 0), args.Int("steps", 30, 1),
            args.Int("score-steps", 20, 1));
        bool check = args.Flag("check");
        args.EnsureAllUsed();

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
