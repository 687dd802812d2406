using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;
using Xunit;

namespace RnnEngine.Engine.Tests.Support;

/// <summary>
/// A real redis-server of this test class's own, on a free loopback port, without persistence, in a temp folder;
/// stopped when disposed. No mock: serve's tests run against the server CI installs (apt-get install redis-server).
/// </summary>
public sealed class RedisServer : IDisposable
{
    private readonly Process process;
    private readonly string folder;

    public RedisServer()
    {
        if (RedisFactAttribute.ServerPath is null) throw new InvalidOperationException("redis-server is not on PATH");
        folder = Directory.CreateTempSubdirectory("rnnengine-redis-").FullName;
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var start = new ProcessStartInfo(RedisFactAttribute.ServerPath)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string a in new[] { "--bind", "127.0.0.1", "--port", Port.ToString(), "--save", "", "--appendonly", "no",
                     "--dir", folder, "--daemonize", "no", "--logfile", Path.Combine(folder, "redis.log") })
            start.ArgumentList.Add(a);
        process = Process.Start(start)!;
        for (int i = 0; ; i++)
        {
            try
            {
                using var c = ConnectionMultiplexer.Connect(Address);
                if (c.GetDatabase().Ping() >= TimeSpan.Zero) break;
            }
            catch (RedisConnectionException) when (i < 50)
            {
                Thread.Sleep(100);
            }
        }
        Connection = ConnectionMultiplexer.Connect(Address);
    }

    public int Port { get; }
    public string Address => $"127.0.0.1:{Port}";
    public ConnectionMultiplexer Connection { get; }
    public IDatabase Db => Connection.GetDatabase();

    public void Dispose()
    {
        Connection.Dispose();
        try
        {
            if (!process.HasExited) process.Kill();
            process.WaitForExit(5000);
        }
        catch (InvalidOperationException) { }
        process.Dispose();
        try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
    }
}

/// <summary>A test that needs redis-server: skipped with the reason where it is not installed, except in CI (.ci/run installs it).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RedisFactAttribute : FactAttribute
{
    public static readonly string? ServerPath = Find("redis-server");

    public RedisFactAttribute()
    {
        if (ServerPath is null && Environment.GetEnvironmentVariable("CI") != "true")
            Skip = "redis skipped: redis-server is not on PATH (apt-get install -y redis-server; .ci/run installs it)";
    }

    private static string? Find(string name)
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            string p = Path.Combine(dir, name);
            if (dir.Length > 0 && File.Exists(p)) return p;
        }
        return null;
    }
}
