using StackExchange.Redis;

namespace RnnEngine.Cli.Serve;

/// <summary>
/// Hands messages to the workers that own their sensors (<see cref="GroupMembers"/>): read once, as records
/// (<see cref="RowMessage.ToRecord"/>), on the owner's hand-over list, which it reads every round. The messages stay pending with the worker that read them until the
/// owner's commit acknowledges them; that worker hands again what is still pending after the claim time (the owner
/// may have died), and if it dies itself, its pending messages are claimed like any dead worker's.
/// </summary>
public sealed class Handoff(ServeOptions options)
{
    private readonly Dictionary<string, List<RedisValue>> byOwner = new(StringComparer.Ordinal);

    public void Add(string owner, RowMessage message)
    {
        if (!byOwner.TryGetValue(owner, out var records)) byOwner[owner] = records = [];
        records.Add(message.ToRecord());
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
}
