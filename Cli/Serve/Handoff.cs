using System.Globalization;
using System.Text;
using StackExchange.Redis;

namespace RnnEngine.Cli.Serve;

/// <summary>
/// Hands messages to the workers that own their sensors (<see cref="GroupMembers"/>): their content goes on the owner's
/// hand-over list, which it reads every round. The messages stay pending with the worker that read them until the
/// owner's commit acknowledges them; that worker hands again what is still pending after the claim time (the owner
/// may have died), and if it dies itself, its pending messages are claimed like any dead worker's.
/// </summary>
public sealed class Handoff(ServeOptions options)
{
    private readonly Dictionary<string, List<RedisValue>> byOwner = new(StringComparer.Ordinal);

    public void Add(string owner, StreamEntry entry)
    {
        if (!byOwner.TryGetValue(owner, out var records)) byOwner[owner] = records = [];
        records.Add(Encode(entry));
    }

    /// <summary>Sends the records (nothing when there is nothing to hand over); the task ends when Redis has them.</summary>
    public Task SendAsync(IDatabase db)
    {
        if (byOwner.Count == 0) return Task.CompletedTask;
        var sent = new List<Task>();
        foreach (var (owner, records) in byOwner)
        {
            RedisKey key = options.HandoffKey(owner);
            sent.Add(db.ListRightPushAsync(key, [.. records]));
            // the list of a worker that is gone for good does not stay
            sent.Add(db.KeyExpireAsync(key, TimeSpan.FromDays(1)));
        }
        byOwner.Clear();
        return Task.WhenAll(sent);
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
