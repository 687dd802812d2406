using StackExchange.Redis;

namespace RnnEngine.Cli.Serve;

/// <summary>
/// Which live worker owns which sensor. Each worker stamps itself into a sorted set with Redis's clock every
/// heartbeat; workers stamped within the liveness time are alive, and a sensor belongs to the live worker with the
/// highest hash of (sensor, worker) (rendezvous hashing: when a worker comes or goes, only its sensors move). A worker
/// hands the rows of a sensor it does not own to the owner, so each sensor's rows are scored one after the other in
/// one process, and the workers do not wait on each other's states.
/// </summary>
public sealed class GroupMembers(string key, string me, int livenessMs)
{
    // stamp this worker with the server's clock and return the workers stamped within the liveness time
    private const string HeartbeatLua = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        redis.call('ZADD', KEYS[1], now, ARGV[1])
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - 10 * tonumber(ARGV[2]))
        return redis.call('ZRANGEBYSCORE', KEYS[1], now - tonumber(ARGV[2]), '+inf')
        """;

    private string[] live = [me];
    private readonly Dictionary<string, string> owners = new(StringComparer.Ordinal);

    public string Me => me;
    public IReadOnlyList<string> Live => live;

    /// <summary>Stamps this worker and reads who is alive; true when that changed (sensors may have moved).</summary>
    public bool Heartbeat(IDatabase db)
    {
        var result = (string[])db.ScriptEvaluate(HeartbeatLua, [key], [me, livenessMs])!;
        Array.Sort(result, StringComparer.Ordinal);
        if (result.Length == 0) result = [me];
        if (result.AsSpan().SequenceEqual(live)) return false;
        live = result;   // sorted, as IsLive's binary search needs
        owners.Clear();
        return true;
    }

    /// <summary>Leaves the set on a clean stop, so nobody hands rows to a worker that is gone.</summary>
    public void Leave(IDatabase db) => db.SortedSetRemove(key, me);

    public bool IsLive(string worker) => Array.BinarySearch(live, worker, StringComparer.Ordinal) >= 0;

    public string Owner(string sensor)
    {
        if (live.Length == 1) return live[0];
        if (owners.TryGetValue(sensor, out string? known)) return known;
        string best = live[0];
        ulong bestHash = 0;
        foreach (string w in live)
        {
            ulong h = Hash(sensor, w);
            if (h >= bestHash) { bestHash = h; best = w; }
        }
        if (owners.Count < 1_000_000) owners[sensor] = best;
        return best;
    }

    /// <summary>FNV-1a over both names, then a 64-bit finaliser: the same value in every process and on every machine.</summary>
    private static ulong Hash(string sensor, string worker)
    {
        ulong h = 14695981039346656037UL;
        foreach (char c in sensor) h = (h ^ c) * 1099511628211UL;
        h = (h ^ 0xFFFF) * 1099511628211UL;
        foreach (char c in worker) h = (h ^ c) * 1099511628211UL;
        h ^= h >> 33; h *= 0xff51afd7ed558ccdUL; h ^= h >> 33; h *= 0xc4ceb9fe1a85ec53UL; h ^= h >> 33;
        return h;
    }
}
