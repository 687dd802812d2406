using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using RnnEngine.Cli.Serve;
using RnnEngine.Models.Data;
using StackExchange.Redis;

namespace RnnEngine.Cli.Commands;

/// <summary>
/// `rnnengine publish --redis HOST:PORT --input KEY --sensor NAME FILE.csv`: the producer for tests and demos. The whole
/// file is read and checked first (a bad cell stops it before anything is sent), then each row goes to the stream as
/// one message (sensor, index, one field per column), at --rate rows per second or as fast as Redis takes them.
/// </summary>
public static class PublishCommand
{
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var redis = Opt.Required("--redis", "HOST:PORT", "the Redis server");
        var input = Opt.Required("--input", "KEY", "the stream serve workers read");
        var sensor = Opt.Required("--sensor", "NAME", "the sensor the rows belong to");
        var file = new Argument<string>("FILE") { Description = "a numeric CSV with a header (the column names become the field names)" };
        var rate = Opt.Double("--rate", 0, 0, 1e9, "rows per second (0: as fast as Redis takes them)");
        var startIndex = Opt.Int("--start-index", 0, 0, int.MaxValue, "the index of the file's first row in the sensor's stream (to go on where an earlier file stopped)");
        var columns = Opt.Text("--columns", "A,B,...", "only these columns (default: every numeric column)");
        var noHeader = Opt.NoHeader();
        var quiet = Opt.Quiet();
        var c = new Command("publish", "send the rows of a CSV file to a Redis stream as one sensor's rows (the producer for serve's tests and demos)")
        {
            redis, input, sensor, file, rate, startIndex, columns, noHeader, quiet,
        };
        c.SetAction(p => Run(p.GetValue(redis)!, p.GetValue(input)!, p.GetValue(sensor)!, p.GetValue(file)!, p.GetValue(rate),
            p.GetValue(startIndex), p.GetValue(columns), p.GetValue(noHeader), p.GetValue(quiet), stdout, stderr));
        return c;
    }

    private static int Run(string redis, string input, string sensor, string path, double rate, int startIndex, string? columns,
        bool noHeader, bool quiet, TextWriter stdout, TextWriter stderr)
    {
        if (sensor.Length == 0) throw new UsageException("--sensor: give the sensor a name");
        if (!File.Exists(path)) throw new DataFormatException(path, null, null, "file not found");
        IReadOnlyList<string>? wanted = columns is null ? null : [.. columns.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];
        Series rows = CsvSeriesReader.ReadWithReport(path, new CsvReadOptions { HasHeader = !noHeader, Columns = wanted, Missing = MissingPolicy.Error }).Series;
        if (rows.Length == 0) throw new DataFormatException(path, null, null, "no data rows to publish");
        string[] names = noHeader || rows.ColumnNames.Count != rows.Features
            ? [.. Enumerable.Range(1, rows.Features).Select(i => i.ToString(CultureInfo.InvariantCulture))]
            : [.. rows.ColumnNames];
        foreach (string n in names)
            if (n is "sensor" or "index") throw new DataFormatException(path, 1, n, $"column '{n}' has the name of a message field; rename it");

        using var connection = RedisConnection.Open(redis, "--redis");
        IDatabase db = connection.GetDatabase();
        var clock = Stopwatch.StartNew();
        int chunk = rate > 0 ? (int)Math.Clamp(rate / 20, 1, 500) : 500;
        for (int start = 0; start < rows.Length; start += chunk)
        {
            if (rate > 0)
            {
                // the chunk leaves when its first row is due
                double due = start / rate - clock.Elapsed.TotalSeconds;
                if (due > 0) Thread.Sleep(TimeSpan.FromSeconds(due));
            }
            int end = Math.Min(rows.Length, start + chunk);
            var sent = new Task<RedisValue>[end - start];
            var batch = db.CreateBatch();
            for (int t = start; t < end; t++)
            {
                // an array per message: the batch holds each message's fields until it is sent
                var fields = new NameValueEntry[2 + rows.Features];
                fields[0] = new NameValueEntry("sensor", sensor);
                fields[1] = new NameValueEntry("index", startIndex + (long)t);
                ReadOnlySpan<float> row = rows.Row(t);
                for (int k = 0; k < row.Length; k++)
                    fields[2 + k] = new NameValueEntry(names[k], row[k].ToString("R", CultureInfo.InvariantCulture));
                sent[t - start] = batch.StreamAddAsync(input, fields);
            }
            batch.Execute();
            Task.WaitAll(sent);
        }
        double seconds = clock.Elapsed.TotalSeconds;
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"published {rows.Length} rows of sensor {sensor} (index {startIndex}..{startIndex + rows.Length - 1}) to {input} in {seconds:F2} s"));
        if (!quiet) stderr.WriteLine($"fields: sensor, index, {string.Join(", ", names)}");
        return 0;
    }
}
