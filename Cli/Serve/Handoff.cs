using StackExchange.Redis;

namespace RnnEngine.Cli.Serve;

/// <summary>
/// Hands messages to the workers that own their sensors (<see cref="GroupMembers"/>), in one script: the messages move
/// to the owner's pending list in the group (XCLAIM, so if the owner dies they are taken over like its own), and their
/// ids go on the owner's hand-over list, which it reads every round.
/// </summary>
public sealed class Handoff(ServeOptions options)
{
    // KEYS: input, then one hand-over list per owner. ARGV: group, list lifetime (s), then per owner: name, count, ids.
    private const string Lua = """
        local group, ttl = ARGV[1], ARGV[2]
        local a = 3
        for k = 2, #KEYS do
          local owner, n = ARGV[a], tonumber(ARGV[a + 1])
          a = a + 2
          for i = 0, n - 1, 1000 do
            local claim = {'XCLAIM', KEYS[1], group, owner, '0'}
            local push = {'RPUSH', KEYS[k]}
            for j = i, math.min(i + 999, n - 1) do
              claim[#claim + 1] = ARGV[a + j]
              push[#push + 1] = ARGV[a + j]
            end
            claim[#claim + 1] = 'JUSTID'
            redis.call(unpack(claim))
            redis.call(unpack(push))
          end
          a = a + n
          redis.call('EXPIRE', KEYS[k], ttl)
        end
        return 0
        """;

    private readonly Dictionary<string, List<RedisValue>> byOwner = new(StringComparer.Ordinal);

    public void Add(string owner, RedisValue id)
    {
        if (!byOwner.TryGetValue(owner, out var ids)) byOwner[owner] = ids = [];
        ids.Add(id);
    }

    public void Send(IDatabase db)
    {
        if (byOwner.Count == 0) return;
        var keys = new List<RedisKey> { options.Input };
        var args = new List<RedisValue> { options.Group, 86_400 };
        foreach (var (owner, ids) in byOwner)
        {
            keys.Add(options.HandoffKey(owner));
            args.Add(owner);
            args.Add(ids.Count);
            args.AddRange(ids);
        }
        db.ScriptEvaluate(Lua, [.. keys], [.. args]);
        byOwner.Clear();
    }
}
