using System.Diagnostics;
using RnnEngine.Engine;
using RnnEngine.Engine.Optim;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Models.Bench;

/// <summary>Timing protocol knobs, with the peer's defaults (torch_seq_ae.py).</summary>
public sealed record BenchTiming(double MinSeconds = 3.0, int Warmup = 5, int Steps = 30, int ScoreSteps = 20);

/// <summary>Threads per phase of a cpu bench run (training, teacher-forced scoring, free-running scoring).</summary>
public sealed record BenchThreads(int Train, int ScoreTf, int ScoreFree)
{
    public static BenchThreads All(int threads) => new(threads, threads, threads);

    public int Max => Math.Max(Train, Math.Max(ScoreTf, ScoreFree));
}

/// <summary>What one bench run measured; times are medians of the timed calls, in milliseconds.</summary>
public sealed record BenchResult(BenchConfig Config, long Params, double TrainStepMs, int TrainStepsTimed, double ScoreTfMs,
    double ScoreFreeMs, float LossFirst, float LossAfter, double? LossFirstReference, long AllocatedBytesPerTrainStep,
    KernelLaunches? Launches = null);

/// <summary>Kernel launches of one training step and of one scoring call of each kind (ILGPU backends only).</summary>
public sealed record KernelLaunches(long TrainStep, long ScoreTf, long ScoreFree);

/// <summary>
/// The peer's protocol: one training step on batch 0 (its loss is loss_first), timed training steps over 8 batches
/// after a warm-up, one more step on batch 1 (loss_after), then timed teacher-forced and free-running scoring over 4
/// other batches. A step is zero-grad + forward + MSE + backward + Adam (lr 1e-3).
/// </summary>
public static class BenchRunner
{
    public static IBenchModel CreateModel(Backend device, BenchConfig cfg) =>
        cfg.Arch == BenchArch.GruAttn ? new GruAttnAe(device, cfg) : new RecurrentAe(device, cfg);

    /// <summary>
    /// Runs the protocol; on a cpu backend <paramref name="threads"/> (null: the backend's own count throughout) sets
    /// how many of its threads each phase uses.
    /// </summary>
    public static BenchResult Run(Backend device, BenchConfig cfg, BenchTiming timing, bool checkReference, BenchThreads? threads = null)
    {
        var cpu = device as CpuBackend;
        void Use(Func<BenchThreads, int> phase)
        {
            if (cpu is not null && threads is not null) cpu.Threads = phase(threads);
        }

        cfg.Validate();
        using var model = CreateModel(device, cfg);
        using var adam = new Adam(device, model.Parameters, lr: 1e-3f);
        ulong dataSeed = cfg.Seed + 0x5EED_DA7AUL;
        var trainHost = Enumerable.Range(0, 8).Select(i => SineWindows.Batch(cfg.Window, cfg.Batch, cfg.Features, dataSeed, i)).ToArray();
        var train = trainHost.Select(a => device.FromArray(a, cfg.Window, cfg.Batch, cfg.Features)).ToArray();
        var score = Enumerable.Range(8, 4)
            .Select(i => device.FromArray(SineWindows.Batch(cfg.Window, cfg.Batch, cfg.Features, dataSeed, i), cfg.Window, cfg.Batch, cfg.Features))
            .ToArray();
        using var scores = device.Zeros(cfg.Batch);
        var scoresHost = new float[cfg.Batch];
        try
        {
            double? reference = checkReference ? model.ReferenceLoss(trainHost[0]) : null;

            float TrainStep(Tensor x)
            {
                adam.ZeroGrad();
                float loss = model.TrainLoss(x);
                adam.Step();
                return loss;
            }

            Use(t => t.Train);
            float lossFirst = TrainStep(train[0]);
            var (trainMs, trainN) = Timed(i => TrainStep(train[i % train.Length]), timing.Warmup, timing.Steps, timing.MinSeconds);
            var ilgpu = device as IlgpuBackend;
            long launches0 = ilgpu?.KernelLaunches ?? 0;
            long before = GC.GetAllocatedBytesForCurrentThread();
            float lossAfter = TrainStep(train[1]);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            long trainLaunches = (ilgpu?.KernelLaunches ?? 0) - launches0;

            void ScoreOnce(int i, bool teacher)
            {
                model.Score(score[i % score.Length], teacher, scores);
                scores.CopyTo(scoresHost); // the peer's scores end as a host tensor too
            }
            // Launches of one call of each kind, counted around one extra call (timed ones would mix in the warm-ups).
            long CountLaunches(Action call)
            {
                long start = ilgpu!.KernelLaunches;
                call();
                return ilgpu.KernelLaunches - start;
            }
            Use(t => t.ScoreTf);
            var (tfMs, _) = Timed(i => ScoreOnce(i, true), 3, timing.ScoreSteps, timing.MinSeconds / 2);
            long tfLaunches = ilgpu is null ? 0 : CountLaunches(() => ScoreOnce(0, true));
            Use(t => t.ScoreFree);
            var (freeMs, _) = Timed(i => ScoreOnce(i, false), 2, Math.Max(5, timing.ScoreSteps / 2), timing.MinSeconds / 2);
            long freeLaunches = ilgpu is null ? 0 : CountLaunches(() => ScoreOnce(0, false));
            return new BenchResult(cfg, model.Parameters.Sum(p => (long)p.Length), trainMs, trainN, tfMs, freeMs, lossFirst, lossAfter,
                reference, allocated, ilgpu is null ? null : new KernelLaunches(trainLaunches, tfLaunches, freeLaunches));
        }
        finally
        {
            foreach (var t in train) t.Dispose();
            foreach (var t in score) t.Dispose();
        }
    }

    /// <summary>
    /// Threads per phase for a cpu run when none is given: 1 or maxThreads, whichever runs a short probe of that phase of
    /// this workload (the protocol with 2 warm-ups and 3 timed calls per phase, no time floor) faster. Small models lose
    /// more to the fork-join of every op than a second core gives them, large ones gain, and one model can do both:
    /// b-lstm trains faster on one thread and scores (one parallel job per call) almost twice as fast on two. The peers
    /// are compared by the best of their 1- and 2-thread runs per metric; this gives the engine the same choice.
    /// </summary>
    public static BenchThreads ProbeThreads(BenchConfig cfg, int maxThreads, Func<int, Backend> createDevice)
    {
        if (maxThreads <= 1) return BenchThreads.All(1);
        var probe = new BenchTiming(MinSeconds: 0, Warmup: 2, Steps: 3, ScoreSteps: 3);
        BenchResult Probe(int threads)
        {
            var r = ProbeOnce(cfg, probe, threads, createDevice);
            // Each probe's model is garbage now. An aggressive collection gives its pages back to the OS before the
            // next model is built: without it every probe's buffers stayed committed and the peak RSS of the whole run
            // doubled (c-gru 526 MiB against 283 with --threads 1).
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            return r;
        }
        BenchResult one = Probe(1), all = Probe(maxThreads);
        bool allWins = all.TrainStepMs < one.TrainStepMs || all.ScoreTfMs < one.ScoreTfMs || all.ScoreFreeMs < one.ScoreFreeMs;
        // The first probe also ran the JIT's first tiers: before letting all cores win a phase, time 1 thread once more.
        var again = allWins ? Probe(1) : one;
        int Pick(Func<BenchResult, double> ms) => Math.Min(ms(one), ms(again)) <= ms(all) ? 1 : maxThreads;
        return new BenchThreads(Pick(r => r.TrainStepMs), Pick(r => r.ScoreTfMs), Pick(r => r.ScoreFreeMs));
    }

    // Not inlined into the probe's loop: the model and device are out of scope (collectable) once this returns.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static BenchResult ProbeOnce(BenchConfig cfg, BenchTiming timing, int threads, Func<int, Backend> createDevice)
    {
        using var device = createDevice(threads);
        return Run(device, cfg, timing, checkReference: false);
    }

    /// <summary>Median milliseconds of fn(i): warm-up calls, then at least `steps` calls and until minSeconds passed.</summary>
    private static (double Ms, int Count) Timed(Action<int> fn, int warmup, int steps, double minSeconds)
    {
        for (int i = 0; i < warmup; i++) fn(i);
        var times = new List<double>(Math.Max(steps, 16) * 4);
        var total = Stopwatch.StartNew();
        for (int i = 0; ; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            fn(i);
            times.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            bool timeUp = total.Elapsed.TotalSeconds >= minSeconds;
            if (times.Count >= steps && timeUp) break;
        }
        times.Sort();
        int n = times.Count;
        double median = n % 2 == 1 ? times[n / 2] : (times[n / 2 - 1] + times[n / 2]) / 2;
        return (median, n);
    }

    /// <summary>Peak resident set (VmHWM of /proc/self/status) in MiB; NaN where /proc is absent.</summary>
    public static double PeakRssMb()
    {
        const string path = "/proc/self/status";
        if (!File.Exists(path)) return double.NaN;
        foreach (string line in File.ReadLines(path))
        {
            if (!line.StartsWith("VmHWM:", StringComparison.Ordinal)) continue;
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) / 1024.0;
        }
        return double.NaN;
    }
}
