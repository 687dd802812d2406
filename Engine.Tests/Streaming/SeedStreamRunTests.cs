using System.Text.Json;
using RnnEngine.Engine.Tests.Support;
using RnnEngine.Models.Data;
using RnnEngine.Models.Data.Seeds;
using Xunit;

namespace RnnEngine.Engine.Tests.Streaming;

/// <summary>Seed 001's ODDS streams: the concatenated drift stream, and `run kdd-smtp-http` end to end.</summary>
public sealed class SeedStreamRunTests
{
    private static string DataDir()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (Directory.Exists(Path.Combine(d.FullName, "data", "seed001_streams"))) return Path.Combine(d.FullName, "data");
        throw new DirectoryNotFoundException("data/seed001_streams");
    }

    [Fact]
    public void SmtpHttpIsSmtpThenHttp()
    {
        string data = DataDir();
        Series smtp = NpzReader.ReadSeries(Path.Combine(data, "seed001_streams", "34_smtp.npz"));
        Series both = Seed001StreamSpec.For(Seed001Stream.SmtpHttp).Load(data);
        Assert.Equal((95_156, 3, 30), (smtp.Length, smtp.Features, smtp.Labels!.Count(l => l)));
        Assert.Equal(95_156 + 567_498, both.Length);
        Assert.Equal(30 + 2_211, both.Labels!.Count(l => l));
        Assert.Equal(smtp.Values, both.Values.AsSpan(0, smtp.Values.Length).ToArray());
    }

    [Fact]
    public void RunSmtpHttpRecoversFromTheDriftOnline()
    {
        string dir = Path.Combine(Path.GetTempPath(), "rne-streams-" + Guid.NewGuid().ToString("N"));
        try
        {
            var r = CliRunner.Run(["run", "kdd-smtp-http", "--seeds", "1", "--device", "cpu", "--out", dir]);
            Assert.True(r.Code == 0, r.Err);
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "results.json")));
            var m = doc.RootElement.GetProperty("metrics");
            double online = m.GetProperty("window_roc_auc_online").GetDouble(), offline = m.GetProperty("window_roc_auc_static").GetDouble();
            // initialised on SMTP only, the static model ranks normal HTTP above the attacks; the updates learn HTTP
            Assert.True(offline < 0.5 && online >= 0.85 && online >= offline + 0.3, $"online {online} vs static {offline}");
            Assert.Equal(0.85, m.GetProperty("published_window_roc_auc_online").GetDouble());
            Assert.True(m.TryGetProperty("baseline_raw_z_window_roc_auc", out _));
            Assert.True(File.Exists(Path.Combine(dir, "encdec-ad-online.png")));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
