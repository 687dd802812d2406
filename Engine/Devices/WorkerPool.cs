using System.Diagnostics;

namespace RnnEngine.Engine;

/// <summary>Work split into numbered parts; Execute(part) runs once per part, on any thread of the pool.</summary>
internal interface IParallelWork
{
    void Execute(int part);
}

/// <summary>
/// Persistent workers for the cpu backend. Parallel.For goes through the .NET thread pool on every call, and an
/// LSTM-step GEMM takes only tens of microseconds, so the workers spin briefly after each job (a following op wakes them in well under a microsecond)
/// and then block on a monitor, so an idle engine costs no CPU. The caller runs parts too; a job started while
/// another one runs (nested or from a second thread) runs inline on the caller.
/// </summary>
internal sealed class WorkerPool : IDisposable
{
    // How long an idle worker polls for the next job before it blocks (~50 us: longer than the pointwise work between
    // the GEMMs of one recurrent step, short enough not to steal a shared core for long).
    private static readonly long SpinTicks = Math.Max(1, Stopwatch.Frequency / 20_000);

    // The job's generation, part count and next unclaimed part in one word, so a part is claimed with one
    // compare-exchange that also proves the claim belongs to the current job (a late worker cannot run a stale one).
    private const int PartBits = 22;
    private const long PartMask = (1L << PartBits) - 1;
    internal const int MaxParts = (int)PartMask;

    private readonly Thread[] workers;
    private readonly object gate = new();
    private IParallelWork? work;
    private long state;
    private int pending, generation, sleepers, busy;
    private volatile bool stopping;
    private Exception? failure;

    public WorkerPool(int threads)
    {
        workers = new Thread[Math.Max(0, threads - 1)];
        for (int i = 0; i < workers.Length; i++)
        {
            workers[i] = new Thread(WorkerLoop) { IsBackground = true, Name = $"rnnengine-cpu-{i + 1}" };
            workers[i].Start();
        }
    }

    /// <summary>Threads that run parts, the caller included.</summary>
    public int Threads => workers.Length + 1;

    /// <summary>Runs job.Execute(i) for i in [0, count) (count at most <see cref="MaxParts"/>) and returns when all are done.</summary>
    public void Run(IParallelWork job, int count)
    {
        if (count <= 0) return;
        if (count > MaxParts) throw new ArgumentOutOfRangeException(nameof(count), count, $"at most {MaxParts} parts");
        if (count == 1 || workers.Length == 0 || Interlocked.CompareExchange(ref busy, 1, 0) != 0)
        {
            for (int i = 0; i < count; i++) job.Execute(i);
            return;
        }
        try
        {
            work = job;
            failure = null;
            Volatile.Write(ref pending, count);
            int gen = (generation + 1) & 0xFFFFF;
            generation = gen;
            Interlocked.Exchange(ref state, ((long)gen << (2 * PartBits)) | ((long)count << PartBits));
            if (Volatile.Read(ref sleepers) > 0)
                lock (gate) Monitor.PulseAll(gate);
            RunParts();
            var spin = new SpinWait();
            while (Volatile.Read(ref pending) != 0) spin.SpinOnce(sleep1Threshold: -1);
            work = null;
            if (failure is { } e) throw new AggregateException("a parallel part failed", e);
        }
        finally
        {
            Volatile.Write(ref busy, 0);
        }
    }

    private void RunParts()
    {
        while (true)
        {
            long s = Volatile.Read(ref state);
            long next = s & PartMask, count = (s >> PartBits) & PartMask;
            if (next >= count) return;
            if (Interlocked.CompareExchange(ref state, s + 1, s) != s) continue;
            // A successful claim keeps pending > 0, so work still holds this job.
            try { work!.Execute((int)next); }
            catch (Exception e) { Interlocked.CompareExchange(ref failure, e, null); }
            Interlocked.Decrement(ref pending);
        }
    }

    private static int GenerationOf(long s) => (int)(s >> (2 * PartBits));

    private void WorkerLoop()
    {
        int seen = GenerationOf(Volatile.Read(ref state));
        while (true)
        {
            long start = Stopwatch.GetTimestamp();
            int gen;
            while ((gen = GenerationOf(Volatile.Read(ref state))) == seen && !stopping)
            {
                if (Stopwatch.GetTimestamp() - start > SpinTicks)
                {
                    Interlocked.Increment(ref sleepers);
                    lock (gate)
                        while (GenerationOf(Volatile.Read(ref state)) == seen && !stopping) Monitor.Wait(gate);
                    Interlocked.Decrement(ref sleepers);
                    start = Stopwatch.GetTimestamp();
                }
                else Thread.SpinWait(20);
            }
            if (stopping) return;
            seen = gen;
            RunParts();
        }
    }

    public void Dispose()
    {
        stopping = true;
        lock (gate) Monitor.PulseAll(gate);
        foreach (var t in workers) t.Join();
    }
}
