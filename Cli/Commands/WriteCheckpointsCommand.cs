using System.CommandLine;
using System.Globalization;
using RnnEngine.Engine.IO;
using RnnEngine.Models.Checkpoint;

namespace RnnEngine.Cli.Commands;

/// <summary>
/// Hidden `rnnengine __write-checkpoints --path P [--count N] [--floats F]`: saves checkpoint k = 1, 2, ... over the
/// same file, every value of every tensor equal to k and config {"k":k}, printing "wrote k" after each. It exists
/// for the kill test, which ends this process at random moments and checks the file left always loads whole.
/// </summary>
public static class WriteCheckpointsCommand
{
    public const string Name = "__write-checkpoints";

    public static Command Build(TextWriter stdout)
    {
        var path = Opt.Required("--path", "FILE", "the checkpoint file to overwrite again and again");
        var count = Opt.Int("--count", int.MaxValue, 1, int.MaxValue, "checkpoints to write");
        var floats = Opt.Int("--floats", 1 << 18, 1, 1 << 26, "values in the large tensor");
        var c = new Command(Name, "(test support) overwrite one checkpoint file many times") { path, count, floats };
        c.Hidden = true;
        c.SetAction(p => Run(p.GetValue(path)!, p.GetValue(count), p.GetValue(floats), stdout));
        return c;
    }

    private static int Run(string path, int count, int floats, TextWriter stdout)
    {
        for (int k = 1; k <= count; k++)
        {
            var w = new float[floats];
            Array.Fill(w, k);
            var b = new float[17];
            Array.Fill(b, k);
            var ckpt = new ModelCheckpoint([new NamedArray("w", [floats], w), new NamedArray("b", [17], b)],
                string.Create(CultureInfo.InvariantCulture, $"{{\"k\":{k}}}"));
            ckpt.Save(path);
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {k}"));
            stdout.Flush();
        }
        return 0;
    }
}
