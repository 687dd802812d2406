namespace RnnEngine.Cli.Serve;

/// <summary>What a serve worker reads, where it writes, and how it shares the work with the other workers of its group.</summary>
public sealed record ServeOptions
{
    public required string Input { get; init; }
    public required string Group { get; init; }
    public required string Consumer { get; init; }
    public required string Output { get; init; }
    public required string Errors { get; init; }
    /// <summary>Messages read at a time; rows of different sensors among them are scored as one batch.</summary>
    public int Batch { get; init; } = 2000;
    /// <summary>A message pending this long at another consumer is taken over (that worker is taken for dead).</summary>
    public int ClaimIdleMs { get; init; } = 5000;
    /// <summary>A sensor's row waits this long for an earlier row that has not arrived before the missing rows are skipped.</summary>
    public int GapTimeoutMs { get; init; } = 60_000;
    /// <summary>At most this many rows wait for earlier rows of their sensor; reading stops while the limit is reached.</summary>
    public int MaxWaiting { get; init; } = 200_000;

    /// <summary>The sorted set of live workers (<see cref="GroupMembers"/>).</summary>
    public string WorkersKey => $"{Output}:workers";

    /// <summary>The list of message ids other workers handed to <paramref name="consumer"/> (rows of its sensors).</summary>
    public string HandoffKey(string consumer) => $"{Output}:handoff:{consumer}";

    /// <summary>The hash that holds a sensor's state and next index (beside the output stream it belongs to).</summary>
    public string StateKey(string sensor) => $"{Output}:state:{sensor}";
}
