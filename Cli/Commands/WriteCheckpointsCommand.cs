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

    public static int Run(CommandArgs args, TextWriter stdout)
    {
        string path = args.String("path") ?? throw new UsageException($"{Name} needs --path P");
        int count = args.Int("count", int.MaxValue, 1);
        int floats = args.Int("floats", 1 << 18, 1, 1 << 26);
        args.EnsureAllUsed();
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
