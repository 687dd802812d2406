using RnnEngine.Engine.Rng;

namespace RnnEngine.Models.Data.Seeds;

public enum SwatAttackKind
{
    /// <summary>A level sensor reports a constant outside its operating band (the controller still sees the truth).</summary>
    SensorSpoof,
    /// <summary>A valve or pump is held in one state; flows and tank levels follow it physically. Value
    /// <see cref="SwatSynthetic.Toggle"/> holds the opposite of the controller's state at the attack's first row.</summary>
    ActuatorForced,
    /// <summary>An analyser's reading drifts linearly away from the truth, by <see cref="SwatAttack.Value"/> per row.</summary>
    Drift,
}

/// <summary>One injected attack: rows [Interval.Start, Interval.End), the column, and the spoofed constant, the forced
/// state (1 = closed/off, 2 = open/on) or the drift per row.</summary>
public sealed record SwatAttack(AnomalyInterval Interval, SwatAttackKind Kind, string Column, float Value);

public sealed record SwatSyntheticOptions
{
    public int Rows { get; init; } = 20_000;
    /// <summary>Number of attacks placed at random (one per equal slot after the warm-up); ignored with a Schedule.</summary>
    public int Attacks { get; init; } = 6;
    public int MinAttackRows { get; init; } = 120;
    public int MaxAttackRows { get; init; } = 600;
    /// <summary>Attack-free rows at the start (the plant settles into its cycles).</summary>
    public int WarmupRows { get; init; } = 2_000;
    /// <summary>Rows simulated and discarded before row 0, so a period starts inside the plant's cycles (as a SWaT
    /// recording does) rather than from the simulator's fixed start levels with every pump on, a state the running plant
    /// never returns to (a model flags it: measured with the channel score, the first test window was a false positive on each of seeds 1-5).</summary>
    public int BurnInRows { get; init; } = 1_800;
    /// <summary>Explicit attacks instead of random ones (tests inject exactly one).</summary>
    public IReadOnlyList<SwatAttack>? Schedule { get; init; }
    public ulong Seed { get; init; }
    public DateTime Start { get; init; } = new(2015, 12, 28, 10, 0, 0);
}

public sealed record SwatSyntheticData(SwatData Data, IReadOnlyList<SwatAttack> Attacks);

/// <summary>
/// SYNTHETIC stand-in for the SWaT physical data (the real files are gated by iTrust): 51 channels with the real
/// names at 1 Hz from a small six-stage plant model. Three tanks (LIT101, LIT301, LIT401) fill and drain through flows
/// (FIT*) set by valves and pumps that hysteresis controllers switch on the tank levels, so actuator states, flows
/// and levels are correlated as in the plant; analysers (AIT*) are slow AR(1) processes, pressures follow the RO pump.
/// Plant noise is a pure function of (seed, row, channel) through <see cref="CounterRng"/>, so a run with attacks and
/// the attack-free run of the same seed share every noise value: sensor attacks change only their channel inside
/// their interval. A forced actuator changes the physics, so levels recover after its interval ends; as in SWaT, the
/// label is the attack window, not the recovery.
/// </summary>
public static class SwatSynthetic
{
    /// <summary>Operating bands of the three tank levels (mm): the controllers switch at these levels.</summary>
    public static readonly IReadOnlyDictionary<string, (float Low, float High)> LevelBands = new Dictionary<string, (float, float)>
    {
        ["LIT101"] = (500, 800), ["LIT301"] = (800, 1000), ["LIT401"] = (800, 1000),
    };

    /// <summary>Analysers: mean and stationary standard deviation of the AR(1) process.</summary>
    private static readonly (string Name, double Mean, double Sd)[] Analysers =
    [
        ("AIT201", 255, 1.0), ("AIT202", 8.35, 0.01), ("AIT203", 330, 2.0), ("AIT401", 148, 0.5), ("AIT402", 155, 1.0),
        ("AIT501", 7.8, 0.01), ("AIT502", 145, 1.0), ("AIT503", 260, 1.5), ("AIT504", 12, 0.1),
    ];

    private static readonly string[] ForcedActuators = ["MV101", "P101", "P301", "P602"];

    /// <summary>Forced-actuator value meaning "the opposite of the controller's state at the first attacked row". Random
    /// attacks use it: a fixed state can equal what the controller does anyway for the whole interval (P602 forced off
    /// between two 60 s backwashes 30 min apart), an attack that leaves no trace in the data.</summary>
    public const float Toggle = 0;

    public static SwatSyntheticData Generate(SwatSyntheticOptions o)
    {
        if (o.Rows <= 0) throw new ArgumentOutOfRangeException(nameof(o), "Rows must be positive");
        if (o.BurnInRows < 0) throw new ArgumentOutOfRangeException(nameof(o), "BurnInRows must not be negative");
        IReadOnlyList<SwatAttack> attacks = o.Schedule ?? Place(o);
        foreach (SwatAttack a in attacks)
        {
            if (a.Interval.Start < 0 || a.Interval.End > o.Rows || a.Interval.Length <= 0)
                throw new ArgumentOutOfRangeException(nameof(o), $"attack rows [{a.Interval.Start}, {a.Interval.End}) outside 0..{o.Rows}");
            _ = SwatColumns.IndexOf(a.Column);
        }
        var resolved = attacks.ToArray();
        SwatData data = Simulate(o, resolved);
        return new SwatSyntheticData(data, resolved);
    }

    private static List<SwatAttack> Place(SwatSyntheticOptions o)
    {
        var attacks = new List<SwatAttack>();
        if (o.Attacks == 0) return attacks;
        if (o.MinAttackRows <= 0 || o.MaxAttackRows < o.MinAttackRows) throw new ArgumentOutOfRangeException(nameof(o), "need 0 < MinAttackRows <= MaxAttackRows");
        int slot = (o.Rows - o.WarmupRows) / o.Attacks;
        // Room for the longest attack plus as long again for the plant to settle before the next one.
        if (slot < 2 * o.MaxAttackRows)
            throw new ArgumentException($"{o.Attacks} attacks of up to {o.MaxAttackRows} rows need at least {o.WarmupRows + o.Attacks * 2 * o.MaxAttackRows} rows, got {o.Rows}");
        ulong stream = CounterRng.Hash(o.Seed, 0x5A7A77AC);
        ulong c = 0;
        double U() => CounterRng.Uniform(stream, c++, 0, 1);
        for (int i = 0; i < o.Attacks; i++)
        {
            int length = o.MinAttackRows + (int)(U() * (o.MaxAttackRows - o.MinAttackRows + 1));
            int start = o.WarmupRows + i * slot + (int)(U() * (slot - 2 * o.MaxAttackRows + 1));
            var iv = new AnomalyInterval(start, start + length, "attack");
            var kind = (SwatAttackKind)((i + (int)(U() * 3)) % 3);
            bool up = U() < 0.5;   // drawn for every kind (forced ones toggle) so each seed keeps its attacks' places
            attacks.Add(kind switch
            {
                SwatAttackKind.SensorSpoof => Spoof(iv, LevelBands.Keys.ElementAt((int)(U() * LevelBands.Count)), up),
                SwatAttackKind.ActuatorForced => new SwatAttack(iv, kind, ForcedActuators[(int)(U() * ForcedActuators.Length)], Toggle),
                _ => DriftOf(iv, Analysers[(int)(U() * Analysers.Length)].Name, up),
            });
        }
        return attacks;
    }

    /// <summary>A spoof to half a band width above or below the band: never equal to the true level.</summary>
    public static SwatAttack Spoof(AnomalyInterval iv, string level, bool high)
    {
        (float lo, float hi) = LevelBands[level];
        float v = high ? hi + 0.5f * (hi - lo) : lo - 0.5f * (hi - lo);
        return new SwatAttack(iv, SwatAttackKind.SensorSpoof, level, v);
    }

    /// <summary>A drift reaching 8 standard deviations of the analyser at the end of the interval.</summary>
    public static SwatAttack DriftOf(AnomalyInterval iv, string analyser, bool up)
    {
        double sd = Analysers.First(a => a.Name == analyser).Sd;
        return new SwatAttack(iv, SwatAttackKind.Drift, analyser, (float)((up ? 8 : -8) * sd / iv.Length));
    }

    /// <summary>Simulates the plant; resolves <see cref="Toggle"/> values of <paramref name="attacks"/> in place to the state held.</summary>
    private static SwatData Simulate(SwatSyntheticOptions o, SwatAttack[] attacks)
    {
        const int F = 51;
        ulong noiseSeed = CounterRng.Hash(o.Seed, 0x9EA7);
        double N(int t, int channel)
        {
            ulong k = ((ulong)t * 64 + (ulong)channel) * 2;
            double u1 = Math.Max(CounterRng.Uniform(noiseSeed, k, 0, 1), 1e-12), u2 = CounterRng.Uniform(noiseSeed, k + 1, 0, 1);
            return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        }
        int Col(string name) => SwatColumns.IndexOf(name);

        var values = new float[o.Rows * F];
        var burnRow = new float[F];
        var labels = new bool[o.Rows];
        var times = new DateTime[o.Rows];
        double l1 = 650, l3 = 900, l4 = 900;
        bool mv101 = true, p101 = true, p301 = true, p402 = true;
        var ar = new double[Analysers.Length];
        for (int i = 0; i < ar.Length; i++) ar[i] = Analysers[i].Mean;
        const double Phi = 0.995;   // analysers change over minutes, not seconds
        var forced = new int[F];

        // Rows t < 0 are the burn-in: simulated into a scratch row; noise is indexed by t + BurnInRows (all non-negative).
        for (int t = -o.BurnInRows; t < o.Rows; t++)
        {
            int u = t + o.BurnInRows;
            // Hysteresis controllers act on the true levels.
            if (l1 < 500) mv101 = true; else if (l1 > 800) mv101 = false;
            if (l3 < 800 && l1 > 250) p101 = true; else if (l3 > 1000 || l1 < 250) p101 = false;
            if (l4 < 800) p301 = true; else if (l4 > 1000) p301 = false;
            if (l4 < 250) p402 = false; else if (l4 > 400) p402 = true;
            bool p602 = u % 1800 < 60;   // periodic backwash

            Array.Clear(forced);
            for (int i = 0; i < attacks.Length; i++)
            {
                SwatAttack a = attacks[i];
                if (a.Kind != SwatAttackKind.ActuatorForced || !a.Interval.Contains(t)) continue;
                if (a.Value == Toggle)
                {
                    bool state = a.Column switch { "MV101" => mv101, "P101" => p101, "P301" => p301, "P602" => p602, _ => throw new ArgumentException($"{a.Column} cannot be forced") };
                    attacks[i] = a = a with { Value = state ? 1 : 2 };
                }
                forced[Col(a.Column)] = (int)a.Value;
            }
            bool sMv101 = Force(forced, Col("MV101"), mv101), sP101 = Force(forced, Col("P101"), p101);
            bool sP301 = Force(forced, Col("P301"), p301), sP602 = Force(forced, Col("P602"), p602);

            double in1 = sMv101 ? 2.6 : 0, q2 = sP101 ? 2.45 : 0, q3 = sP301 ? 2.2 : 0, q4 = p402 ? 1.7 : 0;
            float[] buffer = t >= 0 ? values : burnRow;
            int offset = t >= 0 ? t * F : 0;
            Span<float> row = buffer.AsSpan(offset, F);
            void Set(string name, double v) => buffer[offset + Col(name)] = (float)v;
            double Flow(double q, int ch) => q > 0 ? q + 0.02 * N(u, ch) : 0;

            Set("FIT101", Flow(in1, 0)); Set("LIT101", l1 + 0.5 * N(u, 1)); Set("MV101", sMv101 ? 2 : 1); Set("P101", sP101 ? 2 : 1); Set("P102", 1);
            Set("FIT201", Flow(q2, 8)); Set("MV201", sP101 ? 2 : 1);
            foreach (string p in (string[])["P201", "P202", "P204", "P206"]) Set(p, 1);
            Set("P203", sP101 ? 2 : 1); Set("P205", sP101 ? 2 : 1);
            Set("DPIT301", sP301 ? 2.5 + 0.02 * N(u, 16) : 0.3 + 0.01 * N(u, 16)); Set("FIT301", Flow(q3, 17)); Set("LIT301", l3 + 0.5 * N(u, 18));
            Set("MV301", 1); Set("MV302", sP301 ? 2 : 1); Set("MV303", 1); Set("MV304", 1); Set("P301", sP301 ? 2 : 1); Set("P302", 1);
            Set("FIT401", Flow(q4, 27)); Set("LIT401", l4 + 0.5 * N(u, 28));
            Set("P401", 1); Set("P402", p402 ? 2 : 1); Set("P403", 1); Set("P404", 1); Set("UV401", p402 ? 2 : 1);
            Set("FIT501", Flow(q4, 38)); Set("FIT502", Flow(q4 * 0.74, 39)); Set("FIT503", Flow(q4 * 0.42, 40)); Set("FIT504", Flow(q4 * 0.18, 41));
            Set("P501", p402 ? 2 : 1); Set("P502", 1);
            Set("PIT501", p402 ? 250 + N(u, 44) : 10 + 0.1 * N(u, 44)); Set("PIT502", p402 ? 1.3 + 0.01 * N(u, 45) : 0.2);
            Set("PIT503", p402 ? 190 + N(u, 46) : 8 + 0.1 * N(u, 46));
            Set("FIT601", Flow(sP602 ? 1.9 : 0, 47)); Set("P601", 1); Set("P602", sP602 ? 2 : 1); Set("P603", 1);
            for (int i = 0; i < Analysers.Length; i++)
            {
                (string name, double mean, double sd) = Analysers[i];
                ar[i] = mean + Phi * (ar[i] - mean) + sd * Math.Sqrt(1 - Phi * Phi) * N(u, 51 + i % 13);
                Set(name, ar[i]);
            }

            // Sensor attacks change what is reported, after the plant state is written.
            foreach (SwatAttack a in attacks)
            {
                if (!a.Interval.Contains(t)) continue;
                labels[t] = true;
                if (a.Kind == SwatAttackKind.SensorSpoof) row[Col(a.Column)] = a.Value;
                else if (a.Kind == SwatAttackKind.Drift) row[Col(a.Column)] += a.Value * (t - a.Interval.Start + 1);
            }

            // Tank physics: 1 mm per second per m3/h of net inflow, clamped to the tank's height.
            l1 = Math.Clamp(l1 + in1 - q2, 0, 1200);
            l3 = Math.Clamp(l3 + q2 - q3, 0, 1200);
            l4 = Math.Clamp(l4 + q3 - q4, 0, 1200);
            if (t >= 0) times[t] = o.Start.AddSeconds(t);
        }
        var series = new Series(values, F, labels, "synthetic-swat", SwatColumns.Names);
        return new SwatData(series, times);
    }

    private static bool Force(int[] forced, int column, bool state) => forced[column] == 0 ? state : forced[column] == 2;
}
