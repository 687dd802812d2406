using System.Globalization;
using System.Text;
using StackExchange.Redis;

namespace RnnEngine.Cli.Serve;

/// <summary>
/// Hands messages to the workers that own their sensors (<see cref="GroupMembers"/>), in one script: the messages move
/// to the owner's pending list in the group (XCLAIM, so if the owner dies they are taken over like its own), and their
/// content goes on the owner's hand-over list, which it reads every round (so the server does not read them twice).
/// </summary>
public sealed class Handoff(ServeOptions options)
{
    // KEYS: input, then one hand-over list per owner. ARGV: group, list lifetime (s), then per owner: name, count n,
    // n ids, n records.
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
              push[#push + 1] = ARGV[a + n + j]
            end
            claim[#claim + 1] = 'JUSTID'
            redis.call(unpack(claim))
            redis.call(unpack(push))
          end
          a = a + 2 * n
          redis.call('EXPIRE', KEYS[k], ttl)
        end
        return 0
        """;

    private readonly Dictionary<string, List<StreamEntry>> byOwner = new(StringComparer.Ordinal);

    public void Add(string owner, StreamEntry entry)
    {
        if (!byOwner.TryGetValue(owner, out var entries)) byOwner[owner] = entries = [];
        entries.Add(entry);
    }

    /// <summary>Sends the script (nothing when there is nothing to hand over); the task ends when Redis has run it.</summary>
    public Task SendAsync(IDatabase db)
    {
        if (byOwner.Count == 0) return Task.CompletedTask;
        var keys = new List<RedisKey> { options.Input };
        var args = new List<RedisValue> { options.Group, 86_400 };
        foreach (var (owner, entries) in byOwner)
        {
            keys.Add(options.HandoffKey(owner));
            args.Add(owner);
            args.Add(entries.Count);
            foreach (var e in entries) args.Add(e.Id);
            foreach (var e in entries) args.Add(Encode(e));
        }
        byOwner.Clear();
        return db.ScriptEvaluateAsync(Lua, [.. keys], [.. args]);
    }

    /// <summary>A message as one string: id, then name and value of each field, each as LENGTH:TEXT.</summary>
    public static string Encode(StreamEntry e)
    {
        var sb = new StringBuilder(96);
        Put(sb, e.Id.ToString());
        foreach (var nv in e.Values)
        {
            Put(sb, nv.Name.ToString());
            Put(sb, nv.Value.ToString());
        }
        return sb.ToString();
    }

    public static StreamEntry Decode(RedisValue record)
    {
        string s = record.ToString();
        int at = 0;
        string id = Take(s, ref at);
        var fields = new List<NameValueEntry>();
        while (at < s.Length)
        {
            string name = Take(s, ref at);
            fields.Add(new NameValueEntry(name, Take(s, ref at)));
        }
        return new StreamEntry(id, [.. fields]);
    }

    private static void Put(StringBuilder sb, string text) => sb.Append(text.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(text);

    private static string Take(string s, ref int at)
    {
        int colon = s.IndexOf(':', at);
        if (colon < 0) throw new FormatException("hand-over record: no length");
        int n = int.Parse(s.AsSpan(at, colon - at), NumberStyles.None, CultureInfo.InvariantCulture);
        at = colon + 1 + n;
        return s.Substring(colon + 1, n);
    }
}
