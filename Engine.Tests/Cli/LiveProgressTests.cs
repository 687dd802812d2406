using RnnEngine.Cli.Output;
using Xunit;

namespace RnnEngine.Engine.Tests.Cli;

/// <summary>The terminal's live progress line: epochs overwrite each other, other lines and a new phase keep it.</summary>
public sealed class LiveProgressTests
{
    [Fact]
    public void EpochLinesShareOneLineAndOtherLinesAreNeverOverwritten()
    {
        var sink = new StringWriter();
        using (var live = new LiveProgress(sink))
        {
            TextWriter stdout = live.Beside(new StringWriter());
            live.WriteLine("window auto: 24");
            live.WriteLine("epoch 1/200 loss 1.0 val 0.9 100 windows/s ETA 10s at most");
            live.WriteLine("epoch 5/200 loss 0.5 val 0.4 100 windows/s ETA 8s at most");
            live.WriteLine("epoch 1/200 loss 1.1 val 1.0 100 windows/s ETA 10s at most");   // the next ensemble member
            stdout.WriteLine("trained");
            live.WriteLine("epoch 2/200 loss 0.9 val 0.8 100 windows/s ETA 9s at most");
        }
        // on the screen: each line that stays ends with a newline; the rewritten ones start with CR + erase-line
        string[] screen = sink.ToString().Split('\n');
        Assert.Equal("window auto: 24", screen[0].TrimEnd('\r'));
        Assert.EndsWith("epoch 5/200 loss 0.5 val 0.4 100 windows/s ETA 8s at most", screen[1]);
        Assert.Contains("\r\u001b[2Kepoch 1/200", screen[1]);   // drawn first, then overwritten in place
        Assert.EndsWith("epoch 1/200 loss 1.1 val 1.0 100 windows/s ETA 10s at most", screen[2]);
        Assert.EndsWith("epoch 2/200 loss 0.9 val 0.8 100 windows/s ETA 9s at most", screen[3]);
        Assert.Equal("", screen[4]);   // disposing ended the live line
        Assert.Equal(5, screen.Length);
    }

    [Fact]
    public void OnlyEpochLinesWithAnEtaAreProgress()
    {
        Assert.True(LiveProgress.IsProgress("epoch 3/10 loss 1 100 windows/s ETA 2s at most"));
        Assert.False(LiveProgress.IsProgress("epoch 3 was the best"));
        Assert.False(LiveProgress.IsProgress("training stopped at the time cap"));
    }
}
