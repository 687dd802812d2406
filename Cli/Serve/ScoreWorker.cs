using System.Diagnostics;
using System.Globalization;
using RnnEngine.Models.Streaming;
using StackExchange.Redis;

namespace RnnEngine.Cli.Serve;

/// <summary>
/// One worker of a consumer group on a Redis stream of sensor rows (<see cref="RowMessage"/>). Each round it reads a
/// batch of new messages (and, now and then, takes over messages a dead worker left pending: XAUTOCLAIM), hands the rows
/// of other workers' sensors to their owners (<see cref="GroupMembers"/>, <see cref="Handoff"/>), puts its own in their
/// sensors' queues, scores every sensor's rows that follow on from the sensor's state, all sensors of one model in one
/// forward pass (<see cref="BatchScorer"/>), and commits answers, states and acknowledgements together
/// (<see cref="CommitScript"/>); reads and commits are pipelined with the scoring. A row whose predecessor is still pending elsewhere waits in its queue (its message
/// stays pending with this consumer, touched so no live worker takes it) until the state has moved up to it.
/// The state of a sensor lives in Redis; the copy here is a cache that the commit's status confirms or discards.
/// </summary>
public sealed class ScoreWorker(IDatabase db, SensorModels models, ServeOptions options, TextWriter log)
{
    private sealed class Sensor(string name, SensorModel model, RedisKey stateKey)
    {
        public string Name { get; } = name;
        public SensorModel Model { get; } = model;
        public RedisKey StateKey { get; } = stateKey;
        public StreamState State { get; set; } = new(model.Detector);
        /// <summary>The index of the sensor's next row as this worker last knew it; -1: ask Redis.</summary>
        public long Next { get; set; } = -1;
        public SortedDictionary<long, RowMessage> Queue { get; } = [];
        /// <summary>When the stored state was last read (ms on the worker's clock).</summary>
        public long CheckedAt { get; set; } = long.MinValue / 2;
        /// <summary>Since when the queue's first row waits for a row that is not here (ms on the worker's clock), or -1.</summary>
        public long WaitingSince { get; set; } = -1;
    }

    private readonly Dictionary<string, Sensor> sensors = new(StringComparer.Ordinal);
    private readonly Dictionary<RedisValue, long> held = [];   // ids of messages in the queues -> when last claimed (ms)
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly GroupMembers members = new(options.WorkersKey, options.Consumer, options.ClaimIdleMs);
    private RedisValue claimCursor = "0-0";
    private Action<ScoreWorker>? progress;
    private Task<StreamEntry[]>? readAhead;                                 // the next batch, asked for early
    private Task<RedisValue[]?>? pickAhead;                                 // the next hand-overs, asked for early
    private Task? handing;                                                  // the last hand-over
    private readonly List<(Task<long[]> Status, List<SensorRun> Runs)> inFlight = [];   // the last round's commits
    private bool rereadOwn = true;    // at the start, and after a failed round
    private bool movedAway;           // the live workers changed, or a run of a sensor owned elsewhere came back
    private readonly List<RowMessage> strays = [];   // rows of such runs
    private long lastClaimMs, lastTouchMs, lastHeartbeatMs = long.MinValue / 2;

    public long Scored { get; private set; }
    public long Errors { get; private set; }
    public long Duplicates { get; private set; }
    public int Waiting => held.Count;

    /// <summary>Joins (or creates) the group and works until <paramref name="stop"/>; the round in progress is finished first.</summary>
    public void Run(CancellationToken stop, Action<ScoreWorker>? progress = null)
    {
        this.progress = progress;
        JoinGroup();
        int idle = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                idle = Step(idle);
            }
            catch (Exception e) when (e is RedisConnectionException or RedisTimeoutException)
            {
                // Redis away for a moment: nothing was acknowledged that was not answered; try again shortly
                log.WriteLine($"serve: Redis unavailable ({e.GetType().Name}: {RedisConnection.FirstLine(e.Message)}); retrying in 1 s");
                ForgetAll();
                stop.WaitHandle.WaitOne(1000);
                continue;
            }
            if (idle > 0) stop.WaitHandle.WaitOne(2 * idle);
        }
        try
        {
            FinishCommit();
            handing?.GetAwaiter().GetResult();
            members.Leave(db);
        }
        catch (Exception e) when (e is RedisConnectionException or RedisTimeoutException)
        {
            log.WriteLine($"serve: Redis unavailable at the stop ({RedisConnection.FirstLine(e.Message)}): the last round's messages stay pending for the group");
        }
    }

    /// <summary>One round: read, take over, score, commit. Returns the new idle count (0: something happened).</summary>
    private int Step(int idle)
    {
        if (rereadOwn)
        {
            members.Heartbeat(db);
            Accept(OwnPending(), handedOver: false);
            rereadOwn = false;
        }
        // often enough that a worker that joins gets its share within a few rounds, not after a second of work done twice
        if (clock.ElapsedMilliseconds - lastHeartbeatMs >= Math.Max(50, options.ClaimIdleMs / 20))
        {
            lastHeartbeatMs = clock.ElapsedMilliseconds;
            movedAway |= members.Heartbeat(db);
        }
        if (movedAway) HandOverMoved();
        // while the stream is busy, the next round's reads were sent with this round's: Redis gathers them while this
        // worker scores
        var handedAhead = pickAhead ?? PickUp();
        var readNow = readAhead ?? (held.Count < options.MaxWaiting ? ReadNew() : null);
        RedisValue[]? records = handedAhead.GetAwaiter().GetResult();
        StreamEntry[] entries = readNow?.GetAwaiter().GetResult() ?? [];
        bool busy = entries.Length > 0 || records is { Length: > 0 };
        pickAhead = busy ? PickUp() : null;
        readAhead = busy && held.Count + entries.Length < options.MaxWaiting ? ReadNew() : null;
        int read = PickUpHandedOver(records) + entries.Length;
        Accept(entries, handedOver: false);
        if (clock.ElapsedMilliseconds - lastClaimMs >= Math.Max(100, options.ClaimIdleMs / 4))
        {
            lastClaimMs = clock.ElapsedMilliseconds;
            read += ClaimAbandoned();
            read += HandAgain();
        }
        int done = Round();
        TouchWaiting();
        progress?.Invoke(this);
        // nothing new and nothing that moved: back off a little (2 .. 50 ms) rather than spin on Redis
        return read + done > 0 ? 0 : Math.Min(idle + 1, 25);
    }

    private Task<StreamEntry[]> ReadNew() =>
        db.StreamReadGroupAsync(options.Input, options.Group, options.Consumer, StreamPosition.NewMessages, options.Batch);

    /// <summary>
    /// After a round that failed half way (its commit may or may not have run): forget every cached state and queued
    /// row; the messages are still pending with this consumer, and the next round reads them again from Redis.
    /// </summary>
    private void ForgetAll()
    {
        sensors.Clear();
        held.Clear();
        readAhead = null;
        pickAhead = null;
        handing = null;
        inFlight.Clear();
        rereadOwn = true;
    }


    private Task<RedisValue[]?> PickUp() => db.ListLeftPopAsync(options.HandoffKey(options.Consumer), options.Batch)!;

    /// <summary>Rows of this worker's sensors that other workers read and handed over.</summary>
    private int PickUpHandedOver(RedisValue[]? records)
    {
        if (records is null || records.Length == 0) return 0;
        // the records are the messages as their reader read them; the messages stay pending with that worker
        var messages = new List<RowMessage>(records.Length);
        foreach (var record in records)
        {
            RowMessage m;
            try { m = RowMessage.FromRecord((byte[])record!, models); }
            catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
            {
                // a worker of another version: its message stays pending with it and is taken over in time
                log.WriteLine($"serve: a hand-over record this worker cannot read ({e.Message}): left to the claim time");
                continue;
            }
            if (!held.ContainsKey(m.Id)) messages.Add(m);
        }
        Accept(messages, handedOver: true);
        return records.Length;
    }

    private void JoinGroup()
    {
        try
        {
            db.StreamCreateConsumerGroup(options.Input, options.Group, StreamPosition.Beginning, createStream: true);
            log.WriteLine($"serve: created group {options.Group} on {options.Input}");
        }
        catch (RedisServerException e) when (e.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            // the group exists: join it
        }
    }

    /// <summary>Messages this consumer name read before and never acknowledged (a worker restarted under its old name).</summary>
    private List<StreamEntry> OwnPending()
    {
        var all = new List<StreamEntry>();
        RedisValue after = "0-0";
        while (true)
        {
            var page = db.StreamReadGroup(options.Input, options.Group, options.Consumer, after, options.Batch);
            if (page.Length == 0) break;
            all.AddRange(page);
            after = page[^1].Id;
        }
        if (all.Count > 0) log.WriteLine($"serve: {all.Count} message(s) pending from an earlier run of consumer {options.Consumer}");
        return all;
    }

    /// <summary>XAUTOCLAIM: messages idle longer than the claim time at any consumer of the group (one page per call).</summary>
    private int ClaimAbandoned()
    {
        // XAUTOCLAIM walks the group's pending list: only worth it while a consumer that is not alive holds messages.
        // A consumer long gone with nothing pending is removed from the group, so the group does not fill with names.
        if (claimCursor == "0-0")
        {
            bool orphans = false;
            foreach (var c in db.StreamConsumerInfo(options.Input, options.Group))
            {
                if (members.IsLive(c.Name)) continue;
                orphans |= c.PendingMessageCount > 0;
                if (c.PendingMessageCount == 0 && c.IdleTimeInMilliseconds > 10L * options.ClaimIdleMs)
                    db.StreamDeleteConsumer(options.Input, options.Group, c.Name);
            }
            if (!orphans) return 0;
        }
        var r = db.StreamAutoClaim(options.Input, options.Group, options.Consumer, options.ClaimIdleMs, claimCursor, options.Batch);
        claimCursor = r.NextStartId;
        int taken = Accept(r.ClaimedEntries, handedOver: false);
        if (taken > 0) log.WriteLine($"serve: took over {taken} message(s) idle for more than {options.ClaimIdleMs} ms at other consumers");
        return taken;
    }

    /// <summary>
    /// Messages pending with this worker for more than a claim time: the rows it handed over that no owner has answered
    /// (the owner may have died, or the sensor moved), since the rows waiting here are touched and the others are
    /// fresh. Taken back with their content (XCLAIM) and routed again.
    /// </summary>
    private int HandAgain()
    {
        var pending = (RedisResult[])db.Execute("XPENDING", options.Input, options.Group, "IDLE", options.ClaimIdleMs, "-", "+",
            options.Batch, options.Consumer)!;
        if (pending.Length == 0) return 0;
        var ids = new RedisValue[pending.Length];
        for (int i = 0; i < ids.Length; i++) ids[i] = (RedisValue)((RedisResult[])pending[i]!)[0];
        int again = Accept(db.StreamClaim(options.Input, options.Group, options.Consumer, 0, ids), handedOver: false);
        if (again > 0) log.WriteLine($"serve: {again} handed-over message(s) still unanswered after {options.ClaimIdleMs} ms: routed again");
        return again;
    }

    /// <summary>Resets the idle time of messages waiting here for a while, so that live workers do not take them from each other.</summary>
    private void TouchWaiting()
    {
        long now = clock.ElapsedMilliseconds;
        if (held.Count == 0 || now - lastTouchMs < options.ClaimIdleMs / 4) return;
        lastTouchMs = now;
        var old = new List<RedisValue>();
        foreach (var (id, since) in held)
            if (now - since >= options.ClaimIdleMs / 2) old.Add(id);
        for (int i = 0; i < old.Count; i += 1000)
            db.StreamClaimIdsOnly(options.Input, options.Group, options.Consumer, 0, [.. old.GetRange(i, Math.Min(1000, old.Count - i))]);
        foreach (var id in old) held[id] = now;
    }

    /// <summary>
    /// Queues the rows of new messages of this worker's sensors and hands the others to their owners (a row handed over
    /// once stays where it is); bad messages without a place in a sensor's sequence are answered at once.
    /// </summary>
    /// <returns>how many of the entries were new here (not deleted, not already queued)</returns>
    private int Accept(IReadOnlyList<StreamEntry> entries, bool handedOver)
    {
        var messages = new List<RowMessage>(entries.Count);
        foreach (var entry in entries)
            if (!entry.IsNull && !held.ContainsKey(entry.Id)) messages.Add(RowMessage.Read(entry, models));
        Accept(messages, handedOver);
        return messages.Count;
    }

    private void Accept(List<RowMessage> messages, bool handedOver)
    {
        if (messages.Count == 0) return;
        var batch = NewBatch();
        var handoff = new Handoff(options);
        foreach (var m in messages) Take(m, handedOver, batch, handoff);
        if (!batch.IsEmpty) batch.Commit(db);
        // the hand-over is sent while this worker scores; its outcome is checked next time
        handing?.GetAwaiter().GetResult();
        handing = handoff.SendAsync(db);
    }

    /// <summary>Queues a message's row here, hands it to its sensor's owner, or answers it at once (no place in a sequence).</summary>
    private void Take(RowMessage m, bool handedOver, CommitScript.Batch batch, Handoff handoff)
    {
        if (!handedOver && m.Sensor.Length > 0)
        {
            // another worker's sensor: hand it over as read (the owner answers it, bad or not)
            string owner = members.Owner(m.Sensor);
            if (owner != options.Consumer)
            {
                handoff.Add(owner, m);
                return;
            }
        }
        if (!m.InSequence)
        {
            batch.Error(m.Id, m.Sensor, m.IndexText, m.Field!, m.Error!);
            Errors++;
            return;
        }
        Sensor s = SensorOf(m);
        if (!s.Queue.TryAdd(m.Index, m))
        {
            // the same row again (a producer's retry): the first copy answers for both
            batch.Ack(m.Id);
            Duplicates++;
            return;
        }
        held[m.Id] = clock.ElapsedMilliseconds;
    }

    /// <summary>
    /// After the live workers changed: the rows queued here of sensors that now belong to another worker go to it (their
    /// messages stay pending here until its commit, as any hand-over's), and their cached states are forgotten. Without
    /// this, a sensor's rows read before and after the change sit at two workers, each waiting on the other's state.
    /// </summary>
    private void HandOverMoved()
    {
        movedAway = false;
        var handoff = new Handoff(options);
        foreach (var m in strays)
        {
            handoff.Add(members.Owner(m.Sensor), m);
            held.Remove(m.Id);
        }
        strays.Clear();
        var gone = new List<string>();
        int queued = 0;
        foreach (var s in sensors.Values)
        {
            string owner = members.Owner(s.Name);
            if (owner == options.Consumer) continue;
            foreach (var m in s.Queue.Values)
            {
                handoff.Add(owner, m);
                held.Remove(m.Id);
            }
            queued += s.Queue.Count;
            gone.Add(s.Name);
        }
        foreach (string name in gone) sensors.Remove(name);
        if (queued > 0) log.WriteLine($"serve: the live workers changed ({members.Live.Count} now): {queued} queued row(s) handed to their sensors' new owners");
        handing?.GetAwaiter().GetResult();
        handing = handoff.SendAsync(db);
    }

    private Sensor SensorOf(RowMessage m)
    {
        if (!sensors.TryGetValue(m.Sensor, out Sensor? s) || s.Model != m.Model)
        {
            s = new Sensor(m.Sensor, m.Model!, options.StateKey(m.Sensor));
            sensors[m.Sensor] = s;
        }
        return s;
    }

    private CommitScript.Batch NewBatch() => new(options.Input, options.Output, options.Errors, options.Group);

    /// <summary>A sensor's answers of one round: its rows from <see cref="First"/> on (rows before the first row here skipped).</summary>
    private sealed record SensorRun(Sensor Sensor, long First, List<RowMessage> Rows);

    /// <summary>Scores every row that follows on from its sensor's state and sends the commit; returns how many rows were scored.</summary>
    private int Round()
    {
        var ready = new List<Sensor>();
        foreach (var s in sensors.Values) if (s.Queue.Count > 0) ready.Add(s);
        if (ready.Count == 0)
        {
            // nothing to score: take in the last commit's outcome now, not when the next rows come (a run it refused
            // goes back to its queue, or to its sensor's new owner, and is scored again)
            FinishCommit();
            return 0;
        }
        RefreshStates(ready);

        var batch = NewBatch();
        var runs = new List<SensorRun>();
        long now = clock.ElapsedMilliseconds;
        foreach (var s in ready)
        {
            // rows already answered (a replay, or another worker was first): acknowledged without a second answer
            while (s.Queue.Count > 0 && Head(s) < s.Next)
            {
                s.Queue.Remove(Head(s), out RowMessage? old);
                held.Remove(old!.Id);
                batch.Ack(old.Id);
                Duplicates++;
            }
            if (s.Queue.Count == 0) continue;
            long head = Head(s);
            if (head > s.Next)
            {
                // an earlier row is still pending elsewhere: wait for it, but not for ever
                if (s.WaitingSince < 0) s.WaitingSince = now;
                if (now - s.WaitingSince < options.GapTimeoutMs) continue;
                log.WriteLine($"serve: sensor {s.Name}: rows {s.Next}..{head - 1} did not arrive within {options.GapTimeoutMs} ms; skipped");
            }
            s.WaitingSince = -1;
            var rows = new List<RowMessage>();
            for (long i = head; s.Queue.Remove(i, out RowMessage? m); i++) rows.Add(m);
            runs.Add(new SensorRun(s, s.Next, rows));
        }
        if (runs.Count > 0) ScoreRuns(runs);
        int scored = 0;
        foreach (var run in runs)
        {
            // the cached state has moved on: the next round goes on from here while this one's commit runs
            run.Sensor.Next = run.Rows[^1].Index + 1;
            scored += run.Rows.Count;
        }
        FinishCommit();
        Commit(batch, runs);
        return scored;
    }

    /// <summary>
    /// Waits for the previous round's commit and takes note of its outcome: a run the script did not take as scored
    /// (the stored state was elsewhere) discards the cached state, and a run it wrote nothing for waits again. A run
    /// scored since from that cached state either fails the script's check in turn or, scored from the same rows of the
    /// sensor as the stored state, writes the numbers any worker would write (scoring is deterministic).
    /// </summary>
    private void FinishCommit()
    {
        foreach (var (task, runs) in inFlight) Finish(task.GetAwaiter().GetResult(), runs);
        inFlight.Clear();
    }

    private void Finish(long[] status, List<SensorRun> runs)
    {
        for (int r = 0; r < runs.Count; r++)
        {
            var (s, _, rows) = runs[r];
            if (status[r] >= 0)
            {
                foreach (var m in rows)
                {
                    held.Remove(m.Id);
                    if (m.Values is null) Errors++;
                    else Scored++;
                }
            }
            if (status[r] == 1) continue;
            s.Next = -1;
            if (status[r] >= 0) continue;
            if (members.Owner(s.Name) == options.Consumer)
            {
                foreach (var m in rows) s.Queue.TryAdd(m.Index, m);
            }
            else
            {
                strays.AddRange(rows);   // the sensor has moved since the round: its new owner scores them
                movedAway = true;
            }
        }
    }

    private static long Head(Sensor s)
    {
        foreach (long index in s.Queue.Keys) return index;
        return -1;
    }

    private void ScoreRuns(List<SensorRun> runs)
    {
        // one forward pass per model over the rows of all its sensors, sensor by sensor in row order
        foreach (var model in models.Models)
        {
            var states = new List<StreamState>();
            var values = new List<float>();
            foreach (var (s, _, rows) in runs)
            {
                if (s.Model != model) continue;
                foreach (var m in rows)
                    if (m.Values is not null) { states.Add(s.State); values.AddRange(m.Values); }
            }
            if (states.Count == 0) continue;
            var scores = new double[states.Count];
            var flags = new bool[states.Count];
            model.Scorer.Score(states.ToArray(), values.ToArray(), scores, flags);
            int k = 0;
            foreach (var (s, _, rows) in runs)
            {
                if (s.Model != model) continue;
                foreach (var m in rows)
                    if (m.Values is not null) { m.Score = scores[k]; m.Flag = flags[k]; k++; }
            }
        }
    }

    /// <summary>
    /// Sends the round's answers in scripts of at most <see cref="CommitRows"/> rows (a sensor's run never split): each
    /// call's arguments then stay below the size .NET puts on the large-object heap, whose every allocation costs a full
    /// collection; the first call also carries the round's plain acknowledgements.
    /// </summary>
    private void Commit(CommitScript.Batch batch, List<SensorRun> runs)
    {
        var part = new List<SensorRun>();
        int rowsInPart = 0;
        foreach (var run in runs)
        {
            Append(batch, run);
            part.Add(run);
            rowsInPart += run.Rows.Count;
            if (rowsInPart < CommitRows) continue;
            inFlight.Add((batch.CommitAsync(db), part));
            batch = NewBatch();
            part = [];
            rowsInPart = 0;
        }
        if (!batch.IsEmpty) inFlight.Add((batch.CommitAsync(db), part));
    }

    private const int CommitRows = 400;

    private void Append(CommitScript.Batch batch, SensorRun run)
    {
        var (s, first, rows) = run;
        long head = rows[0].Index;
        batch.Run(s.StateKey, s.Name, first, rows[^1].Index + 1, s.State.Save(), rows.Count + (head > first ? 1 : 0));
        if (head > first)
            batch.RunError(RedisValue.EmptyString, first, "index", $"rows {first}..{head - 1} did not arrive within {options.GapTimeoutMs} ms and were skipped");
        foreach (var m in rows)
        {
            if (m.Values is null)
            {
                batch.RunError(m.Id, m.Index, m.Field!, m.Error!);
                continue;
            }
            bool scored = !double.IsNaN(m.Score);
            batch.Score(m.Id, m.Index, scored ? m.Score.ToString("G9", CultureInfo.InvariantCulture) : "", scored ? (m.Flag ? "1" : "0") : "");
        }
    }

    /// <summary>Loads the stored states that may have moved (one round trip for all).</summary>
    private void RefreshStates(List<Sensor> ready)
    {
        // a cached state is good until a commit says otherwise; a sensor whose rows wait for an earlier one asks
        // Redis now and then, in case another worker scored that row (while the sensors moved between workers)
        var stale = new List<Sensor>();
        long now = clock.ElapsedMilliseconds;
        foreach (var s in ready)
        {
            if (s.Next >= 0 && (Head(s) == s.Next || now - s.CheckedAt < options.ClaimIdleMs / 10)) continue;
            s.CheckedAt = now;
            stale.Add(s);
        }
        if (stale.Count == 0) return;
        var pending = new Task<RedisValue[]>[stale.Count];
        var b = db.CreateBatch();
        for (int i = 0; i < stale.Count; i++) pending[i] = b.HashGetAsync(stale[i].StateKey, ["next", "state"]);
        b.Execute();
        Task.WaitAll(pending);
        for (int i = 0; i < stale.Count; i++)
        {
            var s = stale[i];
            RedisValue[] v = pending[i].Result;
            long next = v[0].IsNull ? 0 : (long)v[0];
            if (next == s.Next) continue;
            var state = new StreamState(s.Model.Detector);
            if (!v[1].IsNull)
            {
                try { state.Load((byte[])v[1]!); }
                catch (InvalidDataException e)
                {
                    throw new UsageException($"the state of sensor {s.Name} at {s.StateKey} does not fit model {s.Model.Path}: {e.Message} (a new model needs a new --output key)");
                }
            }
            s.State = state;
            s.Next = next;
        }
    }
}
