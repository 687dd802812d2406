using RnnEngine.Cli.Commands;
using StackExchange.Redis;

namespace RnnEngine.Cli.Serve;

/// <summary>Connects to Redis from a HOST:PORT (or a StackExchange.Redis configuration string), failing with one line.</summary>
public static class RedisConnection
{
    public static ConnectionMultiplexer Open(string address, string flag)
    {
        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(address);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"{flag} {address}: {e.Message}");
        }
        if (options.EndPoints.Count == 0) throw new UsageException($"{flag} '{address}': expected HOST:PORT");
        options.AbortOnConnectFail = true;
        options.ConnectTimeout = 5000;
        options.SyncTimeout = 30_000;   // a commit of a large batch runs as one script
        options.ClientName = "rnnengine";
        // no pub/sub here: without SUBSCRIBE the client opens one connection, not two (half the hand-shake at start-up)
        options.CommandMap = CommandMap.Create(new HashSet<string> { "SUBSCRIBE" }, available: false);
        try
        {
            return ConnectionMultiplexer.Connect(options);
        }
        catch (RedisConnectionException e)
        {
            throw new UsageException($"{flag} {address}: cannot reach Redis ({FirstLine(e.Message)})");
        }
    }

    /// <summary>The first line of a StackExchange.Redis message (they go on for lines of diagnostics).</summary>
    public static string FirstLine(string s)
    {
        int n = s.IndexOfAny(['\r', '\n']);
        return n < 0 ? s : s[..n];
    }
}
