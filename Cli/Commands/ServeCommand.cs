using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using RnnEngine.Cli.Serve;
using RnnEngine.Engine;
using StackExchange.Redis;

namespace RnnEngine.Cli.Commands;

/// <summary>
/// `rnnengine serve --redis HOST:PORT --input KEY --group NAME --model MODEL`: one worker of a consumer group that
/// scores sensor rows from a Redis stream (<see cref="ScoreWorker"/>) until Ctrl-C or SIGTERM. Start as many as the
/// stream needs, on as many machines; a worker that dies leaves its messages to the others.
/// </summary>
public static class ServeCommand
{
    public static Command Build(TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        var redis = Opt.Required("--redis", "HOST:PORT", "the Redis server (a StackExchange.Redis configuration string also works)");
        var input = Opt.Required("--input", "KEY", "the input stream: one message per row, fields sensor, index and one per model column");
        var group = Opt.Required("--group", "NAME", "the consumer group the workers share (created if it does not exist)");
        var consumer = Opt.Text("--consumer", "NAME", "this worker's name in the group (default: host-pid; reuse a name to take back its pending messages)");
        var model = new Option<string[]>("--model")
        {
            Description = "MODEL for every sensor, or PATTERN=MODEL for the sensors whose name matches a glob (* and ?); repeat for several",
            HelpName = "[PATTERN=]MODEL",
            Required = true,
            AllowMultipleArgumentsPerToken = false,
        };
        var output = Opt.Text("--output", "KEY", "the output stream: one entry per row, fields sensor, index, score, is_anomaly (default INPUT:scores)");
        var errors = Opt.Text("--errors", "KEY", "the stream of error entries for rows that cannot be scored: sensor, index, field, error (default OUTPUT:errors)");
        var batch = Opt.Int("--batch", 2000, 1, 100_000, "messages read at a time; rows of different sensors among them are scored in one forward pass");
        var claimIdle = Opt.Int("--claim-idle", 5000, 10, 86_400_000, "take over a message pending this many ms at another worker (taken for dead)", "MS");
        var gapTimeout = Opt.Int("--gap-timeout", 60_000, 10, 86_400_000, "a row waits this many ms for an earlier row of its sensor before the missing rows are skipped", "MS");
        var device = Opt.Device();
        // a worker is one of many processes (more workers, not more threads, is how serve scales): one core each
        var threads = Opt.Threads(1, "; serve scales by starting more workers");
        var quiet = Opt.Quiet();
        var c = new Command("serve", "score sensor rows from a Redis stream as one worker of a consumer group: rows of many sensors per forward pass, nothing lost when a worker dies")
        {
            redis, input, group, consumer, model, output, errors, batch, claimIdle, gapTimeout, device, threads, quiet,
        };
        c.SetAction(p =>
        {
            string inputKey = p.GetValue(input)!;
            string outputKey = p.GetValue(output) ?? inputKey + ":scores";
            var options = new ServeOptions
            {
                Input = inputKey,
                Group = p.GetValue(group)!,
                Consumer = p.GetValue(consumer) ?? $"{Environment.MachineName}-{Environment.ProcessId}",
                Output = outputKey,
                Errors = p.GetValue(errors) ?? outputKey + ":errors",
                Batch = p.GetValue(batch),
                ClaimIdleMs = p.GetValue(claimIdle),
                GapTimeoutMs = p.GetValue(gapTimeout),
            };
            if (options.Output == options.Input || options.Errors == options.Input || options.Errors == options.Output)
                throw new UsageException($"--input {options.Input}, --output {options.Output} and --errors {options.Errors} must be three different keys");
            return Run(p.GetValue(redis)!, options, p.GetValue(model)!, p.GetValue(device)!, p.GetValue(threads), p.GetValue(quiet),
                stderr, cancel, handleSignals: !cancel.CanBeCanceled);
        });
        return c;
    }

    private static int Run(string redis, ServeOptions options, string[] modelSpecs, string device, int threads, bool quiet,
        TextWriter stderr, CancellationToken cancel, bool handleSignals)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        using var sigint = handleSignals ? PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); }) : null;
        using var sigterm = handleSignals ? PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); }) : null;
        using var backend = Devices.Create(device, threads);
        using var models = new SensorModels(backend, modelSpecs);
        using var connection = RedisConnection.Open(redis, "--redis");
        var worker = new ScoreWorker(connection.GetDatabase(), models, options, stderr);
        stderr.WriteLine($"serve: consumer {options.Consumer} of group {options.Group} on {options.Input} -> {options.Output} (errors: {options.Errors}); {models.Models.Count} model(s) on {backend.Name}");
        var clock = Stopwatch.StartNew();
        double lastReport = 0;
        long lastScored = 0;
        worker.Run(stop.Token, w =>
        {
            double now = clock.Elapsed.TotalSeconds;
            if (quiet || now - lastReport < 5) return;
            stderr.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"serve: {w.Scored} rows scored ({(w.Scored - lastScored) / (now - lastReport):F0}/s), {w.Errors} errors, {w.Duplicates} replays, {w.Waiting} waiting for earlier rows"));
            lastReport = now;
            lastScored = w.Scored;
        });
        double seconds = clock.Elapsed.TotalSeconds;
        stderr.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"serve: stopped after {seconds:F1} s: {worker.Scored} rows scored ({worker.Scored / Math.Max(seconds, 1e-9):F0}/s), {worker.Errors} errors, {worker.Duplicates} replays acknowledged, {worker.Waiting} rows left pending for the group"));
        return 0;
    }
}
