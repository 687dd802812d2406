using RnnEngine.Engine.Rng;

namespace RnnEngine.Models.Data.Seeds;

public enum KernelAnomalyKind
{
    /// <summary>Seed 004's fifo-ls traces: an extra process repeatedly opens paths and exchanges messages
    /// (connect/attach, path manager open, message round trip, detach; some end in MSG_ERROR or SND_PULSE_DIS).</summary>
    FifoLs,
    /// <summary>Seed 004's full-/half-while traces: a busy loop is preempted over and over (THREADY/THRUNNING pairs,
    /// COMM SND_PULSE) and the message traffic grows as well.</summary>
    BusyLoop,
}

/// <summary>One anomalous window: its ticks [FirstTick, EndTick), the span of events it covers, and the factor by which
/// COMM SND_MESSAGE events are multiplied inside it (2.5 to 3.7, the range of the seed's anomalous files).</summary>
public sealed record KernelAnomaly(KernelAnomalyKind Kind, int FirstTick, int EndTick, AnomalyInterval Events, double MessageFactor);

public sealed record KernelEventSyntheticOptions
{
    /// <summary>Timer ticks; a clean tick writes about 24 events.</summary>
    public int Ticks { get; init; } = 4_000;
    /// <summary>Anomalous windows; 0 gives a clean trace.</summary>
    public int Anomalies { get; init; }
    /// <summary>FifoLs or BusyLoop for every window; null alternates them.</summary>
    public KernelAnomalyKind? Kind { get; init; }
    public int MinWindowTicks { get; init; } = 40;
    public int MaxWindowTicks { get; init; } = 120;
    public int WarmupTicks { get; init; } = 200;
    public ulong Seed { get; init; }
}

/// <summary>Raw (class, event) pairs in the order written, the trace as token ids with per-event labels, and the
/// windows. <see cref="Trace"/>.Labels marks exactly the injected events; <see cref="KernelAnomaly.Events"/> gives the
/// segment-level view (every event written during the window).</summary>
public sealed record KernelEventSyntheticData(string[] Classes, string[] Events, KernelEventTrace Trace, IReadOnlyList<KernelAnomaly> Anomalies);

/// <summary>
/// SYNTHETIC stand-in for seed 004's QNX kernel event traces (the hexacopter HIL files are not available): a periodic
/// system whose every tick is a timer interrupt (0x44, two handlers) that pulses a waiting thread; every 2nd tick a
/// client-server message round trip (SND/REC/REPLY_MESSAGE with the kernel calls around them, sometimes a client-info
/// and readv), every 4th a sensor interrupt (0x2d), every 8th a condvar hand-off and a nanosleep, every 64th the trace
/// control events. Tokens are the real vocabulary's. The clean variation is drawn from (seed, tick), the anomaly
/// draws from another stream, so removing the injected events of an anomalous trace gives back the clean trace of the
/// same seed exactly.
/// </summary>
public static class KernelEventSynthetic
{
    private static readonly (string, string)[] Tick =
    [
        ("INT_ENTR", "0x00000044"), ("INT_HANDLER_ENTR", "0x00000044"), ("INT_HANDLER_EXIT", "0x00000044"),
        ("INT_HANDLER_ENTR", "0x00000044"), ("INT_HANDLER_EXIT", "0x00000044"), ("INT_EXIT", "0x00000044"),
        ("COMM", "SND_PULSE_EXE"), ("THREAD", "THREADY"), ("THREAD", "THRUNNING"), ("COMM", "REC_PULSE"),
        ("KER_EXIT", "MSG_RECEIVEV/14"), ("USREVENT", "EVENT-2"), ("KER_CALL", "MSG_RECEIVEV/14"), ("THREAD", "THRECEIVE"),
    ];

    private static readonly (string, string)[] MessageHead =
    [
        ("KER_CALL", "MSG_SENDV/11"), ("COMM", "SND_MESSAGE"), ("THREAD", "THREPLY"), ("THREAD", "THRUNNING"),
        ("COMM", "REC_MESSAGE"), ("KER_EXIT", "MSG_RECEIVEV/14"),
    ];

    private static readonly (string, string)[] ClientRead =
    [
        ("KER_CALL", "CONNECT_CLIENT_INFO/42"), ("KER_EXIT", "CONNECT_CLIENT_INFO/42"), ("KER_CALL", "MSG_READV/16"), ("KER_EXIT", "MSG_READV/16"),
    ];

    private static readonly (string, string)[] MessageTail =
    [
        ("KER_CALL", "MSG_REPLYV/15"), ("COMM", "REPLY_MESSAGE"), ("THREAD", "THREADY"), ("KER_EXIT", "MSG_REPLYV/15"),
        ("KER_CALL", "MSG_RECEIVEV/14"), ("THREAD", "THRECEIVE"), ("THREAD", "THRUNNING"), ("KER_EXIT", "MSG_SENDV/11"),
    ];

    private static readonly (string, string)[] Sensor =
    [
        ("INT_ENTR", "0x0000002d"), ("INT_HANDLER_ENTR", "0x0000002d"), ("INT_HANDLER_EXIT", "0x0000002d"), ("INT_EXIT", "0x0000002d"), ("USREVENT", "EVENT-0"),
    ];

    private static readonly (string, string)[] Condvar =
    [
        ("KER_CALL", "SYNC_CONDVAR_SIGNAL/83"), ("KER_EXIT", "SYNC_CONDVAR_SIG/83"), ("THREAD", "THREADY"), ("KER_CALL", "SYNC_CONDVAR_WAIT/82"),
        ("THREAD", "THCONDVAR"), ("THREAD", "THRUNNING"), ("KER_EXIT", "SYNC_CONDVAR_WAIT/82"),
    ];

    private static readonly (string, string)[] Sleep = [("KER_CALL", "TIMER_TIMEOUT/75"), ("KER_EXIT", "TIMER_TIMEOUT/75"), ("THREAD", "THNANOSLEEP")];
    private static readonly (string, string)[] Control = [("CONTROL", "TIME"), ("CONTROL", "BUFFER")];
    private static readonly (string, string)[] LsOpen = [("KER_CALL", "CONNECT_ATTACH/39"), ("KER_EXIT", "CONNECT_ATTACH/39"), ("SYSTEM", "PATHMGR_OPEN")];
    private static readonly (string, string)[] LsClose = [("KER_CALL", "CONNECT_DETACH/40"), ("KER_EXIT", "CONNECT_DETACH/40")];
    private static readonly (string, string)[] LsError = [("KER_CALL", "MSG_ERROR/13"), ("COMM", "MSG_ERROR"), ("KER_EXIT", "MSG_ERROR/13")];
    private static readonly (string, string)[] Preempt = [("THREAD", "THREADY"), ("THREAD", "THRUNNING")];

    public static KernelEventSyntheticData Generate(KernelEventSyntheticOptions o, KernelEventVocabulary? vocabulary = null)
    {
        vocabulary ??= KernelEventVocabulary.LoadBundled();
        List<(int First, int End, KernelAnomalyKind Kind, double Factor)> windows = Place(o);
        ulong clean = CounterRng.Hash(o.Seed, 0xC1EA), anomalous = CounterRng.Hash(o.Seed, 0xA70A);
        ulong ac = 0;
        double UA() => CounterRng.Uniform(anomalous, ac++, 0, 1);

        var classes = new List<string>();
        var events = new List<string>();
        var injected = new List<bool>();
        void Emit((string, string)[] pattern, bool inj)
        {
            foreach ((string c, string e) in pattern) { classes.Add(c); events.Add(e); injected.Add(inj); }
        }
        void Message(bool withRead, bool inj)
        {
            Emit(MessageHead, inj);
            if (withRead) Emit(ClientRead, inj);
            Emit(MessageTail, inj);
        }

        var anomalies = new List<KernelAnomaly>();
        int w = 0, windowStartEvent = 0, extraTotal = 0;
        for (int k = 0; k < o.Ticks; k++)
        {
            (int First, int End, KernelAnomalyKind Kind, double Factor)? win = w < windows.Count && k >= windows[w].First && k < windows[w].End ? windows[w] : null;
            if (win is { } ws && k == ws.First)
            {
                windowStartEvent = classes.Count;
                int cleanMessages = Enumerable.Range(ws.First, ws.End - ws.First).Count(t => t % 2 == 0);
                extraTotal = (int)Math.Round((ws.Factor - 1) * cleanMessages);
            }

            Emit(Tick, false);
            if (win is { Kind: KernelAnomalyKind.BusyLoop })
            {
                int pairs = 2 + (int)(UA() * 3);
                for (int p = 0; p < pairs; p++) Emit(Preempt, true);
                if (UA() < 0.3) Emit([("COMM", "SND_PULSE")], true);
            }
            if (k % 2 == 0) Message(CounterRng.Uniform(clean, (ulong)k, 0, 1) < 0.25, false);
            if (k % 4 == 1) Emit(Sensor, false);
            if (k % 8 == 3) Emit(Condvar, false);
            if (k % 8 == 5) Emit(Sleep, false);
            if (k % 64 == 63) Emit(Control, false);

            if (win is { } wv)
            {
                // Spread the extra messages evenly over the window's ticks.
                int span = wv.End - wv.First, i = k - wv.First;
                int extra = (int)((long)(i + 1) * extraTotal / span - (long)i * extraTotal / span);
                for (int m = 0; m < extra; m++)
                {
                    if (wv.Kind == KernelAnomalyKind.FifoLs)
                    {
                        Emit(LsOpen, true);
                        Message(UA() < 0.5, true);
                        double r = UA();
                        if (r < 0.1) Emit(LsError, true);
                        else if (r < 0.15) Emit([("COMM", "SND_PULSE_DIS")], true);
                        Emit(LsClose, true);
                    }
                    else Message(false, true);
                }
                if (k == wv.End - 1)
                {
                    anomalies.Add(new KernelAnomaly(wv.Kind, wv.First, wv.End, new AnomalyInterval(windowStartEvent, classes.Count, wv.Kind.ToString()), wv.Factor));
                    w++;
                }
            }
        }

        int[] ids = new int[classes.Count];
        var unknown = new Dictionary<string, int>();
        for (int i = 0; i < ids.Length; i++)
        {
            string token = KernelEventVocabulary.TokenOf(classes[i], events[i]);
            if (!vocabulary.TryGet(token, out ids[i]))
            {
                ids[i] = vocabulary.OovId;
                unknown[token] = unknown.GetValueOrDefault(token) + 1;
            }
        }
        var trace = new KernelEventTrace(ids, injected.ToArray(), unknown, o.Anomalies == 0 ? "synthetic-kev-clean" : "synthetic-kev-anomalous");
        return new KernelEventSyntheticData(classes.ToArray(), events.ToArray(), trace, anomalies);
    }

    private static List<(int, int, KernelAnomalyKind, double)> Place(KernelEventSyntheticOptions o)
    {
        var list = new List<(int, int, KernelAnomalyKind, double)>();
        if (o.Anomalies == 0) return list;
        if (o.MinWindowTicks <= 0 || o.MaxWindowTicks < o.MinWindowTicks) throw new ArgumentOutOfRangeException(nameof(o), "need 0 < MinWindowTicks <= MaxWindowTicks");
        int slot = (o.Ticks - o.WarmupTicks) / o.Anomalies;
        if (slot < 2 * o.MaxWindowTicks)
            throw new ArgumentException($"{o.Anomalies} windows of up to {o.MaxWindowTicks} ticks need at least {o.WarmupTicks + 2 * o.Anomalies * o.MaxWindowTicks} ticks, got {o.Ticks}");
        ulong s = CounterRng.Hash(o.Seed, 0x9ACE);
        ulong c = 0;
        double U() => CounterRng.Uniform(s, c++, 0, 1);
        for (int i = 0; i < o.Anomalies; i++)
        {
            int length = o.MinWindowTicks + (int)(U() * (o.MaxWindowTicks - o.MinWindowTicks + 1));
            int start = o.WarmupTicks + i * slot + (int)(U() * (slot - 2 * o.MaxWindowTicks + 1));
            KernelAnomalyKind kind = o.Kind ?? (i % 2 == 0 ? KernelAnomalyKind.FifoLs : KernelAnomalyKind.BusyLoop);
            list.Add((start, start + length, kind, 2.5 + 1.2 * U()));
        }
        return list;
    }
}
