using RnnEngine.Engine.Rng;

namespace RnnEngine.Models.Data.Seeds;

public enum TraceFaultKind
{
    /// <summary>Spurious events written between two normal ones; the inserted events are labelled.</summary>
    ExtraEvents = 1,
    /// <summary>Events of a task are skipped; they leave no trace, so the event right after the gap is labelled.</summary>
    MissingEvents = 2,
    /// <summary>A stall before one event; it and the rest of its cycle run late and are labelled.</summary>
    Delay = 3,
}

/// <summary>One injected fault: kind, the cycle it is in, and the labelled events [Events.Start, Events.End).</summary>
public sealed record TraceFault(TraceFaultKind Kind, int Cycle, AnomalyInterval Events);

public sealed record ProgramTraceSyntheticOptions
{
    public int Cycles { get; init; } = 400;
    public int Faults { get; init; } = 12;
    /// <summary>Fault-free cycles at the start.</summary>
    public int WarmupCycles { get; init; } = 40;
    public ulong Seed { get; init; }
}

/// <summary>The faulty trace, the fault-free trace of the same seed, and for each faulty event the index of the same
/// event in the fault-free trace (-1 for an inserted event).</summary>
public sealed record ProgramTraceSyntheticData(ProgramTrace Trace, IReadOnlyList<TraceFault> Faults, ProgramTrace Clean, int[] CleanIndex);

/// <summary>
/// SYNTHETIC stand-in for seed 002's theft_protection traces: a single-threaded cyclic executive with 16 variable ids
/// and a 100 ms cycle (timestamps in microseconds). Every cycle runs task "main" (ids 0-2), every 2nd cycle "sensor"
/// (3-6), every 4th "control" (7-10), every 8th "comm" (11-15); each write takes its variable's duration with +-5 %
/// jitter, and the cycle sleeps until the next period. Faults go into distinct cycles (at least two cycles apart) so
/// each is one labelled interval, with the label class = (int)kind (1 extra, 2 missing, 3 delay; not the real data's
/// class meanings).
/// </summary>
public static class ProgramTraceSynthetic
{
    public const int Variables = TraceFeatures.Variables;
    public const double CycleMicros = 100_000;

    private static readonly (int FirstId, int Count, int Every, int Offset)[] Tasks =
        [(0, 3, 1, 0), (3, 4, 2, 0), (7, 4, 4, 1), (11, 5, 8, 3)];

    /// <summary>Mean write duration per variable (us): 1.5 to 4 ms, so a full cycle stays under 64 ms.</summary>
    private static double Duration(int id) => 1500 + 2500 * ((id * 7) % Variables) / (double)(Variables - 1);

    public static ProgramTraceSyntheticData Generate(ProgramTraceSyntheticOptions o)
    {
        int usable = o.Cycles - o.WarmupCycles - 1;
        if (o.Faults > 0 && usable / o.Faults < 3)
            throw new ArgumentException($"{o.Faults} faults need at least {o.WarmupCycles + 1 + 3 * o.Faults} cycles, got {o.Cycles}");
        ulong seed = o.Seed;
        ulong timing = CounterRng.Hash(seed, 0x7141), faults = CounterRng.Hash(seed, 0xFA17);
        ulong fc = 0;
        double UF() => CounterRng.Uniform(faults, fc++, 0, 1);

        // The fault-free schedule, cycle by cycle; timing noise is indexed by event so both traces share it.
        var cycles = new List<List<(int Id, double Ts)>>();
        ulong ec = 0;
        for (int c = 0; c < o.Cycles; c++)
        {
            var events = new List<(int, double)>();
            double t = c * CycleMicros + 200 * CounterRng.Uniform(timing, ec++, 0, 1);
            foreach ((int first, int count, int every, int offset) in Tasks)
            {
                if (c % every != offset % every) continue;
                for (int id = first; id < first + count; id++)
                {
                    t += Duration(id) * (0.95 + 0.1 * CounterRng.Uniform(timing, ec++, 0, 1));
                    events.Add((id, Math.Round(t)));
                }
            }
            cycles.Add(events);
        }

        // One fault per slot of cycles, never in the slot's last two cycles so faults stay two cycles apart.
        var faultAt = new Dictionary<int, TraceFaultKind>();
        int slot = o.Faults > 0 ? usable / o.Faults : 0;
        for (int i = 0; i < o.Faults; i++)
            faultAt[o.WarmupCycles + i * slot + (int)(UF() * (slot - 2))] = (TraceFaultKind)(1 + (i + (int)(UF() * 3)) % 3);

        var ids = new List<int>();
        var ts = new List<double>();
        var cleanIndex = new List<int>();
        var flagged = new List<bool>();
        var found = new List<TraceFault>();
        bool flagNext = false;
        int cleanPos = 0;
        for (int c = 0; c < o.Cycles; c++)
        {
            List<(int Id, double Ts)> ev = cycles[c];
            TraceFaultKind? kind = faultAt.TryGetValue(c, out TraceFaultKind k) ? k : null;
            int at = kind is null ? -1 : 1 + (int)(UF() * (ev.Count - 2));   // an inner event: never the first or the last
            int count = kind switch { TraceFaultKind.ExtraEvents => 1 + (int)(UF() * 3), TraceFaultKind.MissingEvents => 1 + (int)(UF() * Math.Min(2, ev.Count - 1 - at)), _ => 0 };
            double stall = kind == TraceFaultKind.Delay ? 5_000 + UF() * 20_000 : 0;
            int labelStart = -1, labelEnd = -1;
            for (int j = 0; j < ev.Count; j++)
            {
                if (kind == TraceFaultKind.ExtraEvents && j == at)
                {
                    // Spurious writes strictly between events at-1 and at, evenly spaced: nothing else moves.
                    double t0 = ev[j - 1].Ts, t1 = ev[j].Ts;
                    labelStart = ids.Count;
                    for (int x = 1; x <= count; x++)
                        Add((int)(UF() * Variables), Math.Round(t0 + (t1 - t0) * x / (count + 1)), -1, true);
                    labelEnd = ids.Count;
                }
                if (kind == TraceFaultKind.MissingEvents && j >= at && j < at + count)
                {
                    cleanPos++;
                    flagNext = true;
                    continue;
                }
                bool late = kind == TraceFaultKind.Delay && j >= at;
                if (late && j == at) labelStart = ids.Count;
                if (flagNext) labelStart = ids.Count;
                Add(ev[j].Id, ev[j].Ts + (late ? Math.Round(stall) : 0), cleanPos++, late || flagNext);
                if (flagNext) { labelEnd = ids.Count; flagNext = false; }
                if (late) labelEnd = ids.Count;
            }
            if (kind is TraceFaultKind fk) found.Add(new TraceFault(fk, c, new AnomalyInterval(labelStart, labelEnd, fk.ToString())));
        }

        void Add(int id, double t, int clean, bool flag)
        {
            ids.Add(id); ts.Add(t); cleanIndex.Add(clean); flagged.Add(flag);
        }

        var labelRows = found.Select(f => new TraceLabel(f.Events.Start, f.Events.End - 1, ts[f.Events.Start], ts[f.Events.End - 1], (int)f.Kind)).ToList();
        var trace = new ProgramTrace(ids.ToArray(), ts.ToArray(), labelRows, "synthetic-trace");
        var clean = new ProgramTrace(cycles.SelectMany(e => e).Select(e => e.Id).ToArray(), cycles.SelectMany(e => e).Select(e => e.Ts).ToArray(), [], "synthetic-trace-clean");
        if (!trace.Labels!.AsSpan().SequenceEqual(flagged.ToArray())) throw new InvalidOperationException("fault intervals disagree with the flagged events");
        return new ProgramTraceSyntheticData(trace, found, clean, cleanIndex.ToArray());
    }
}
