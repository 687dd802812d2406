using RnnEngine.Cli;
using RnnEngine.Cli.Commands;
using RnnEngine.Engine;

return Cli.Run(args, Console.Out, Console.Error);

namespace RnnEngine.Cli
{
    /// <summary>Entry point: dispatches the command word; exit 0 ok, 1 a check failed, 2 bad usage or input.</summary>
    public static class Cli
    {
        public const string Usage = """
            usage: rnnengine <command> [options]
              devices                                   list the compute backends
              gradcheck [--device D] [--json] [--only NAME]
                                                        finite-difference checks of every op and layer
              bench gemm --m M --n N --k K [--device D] [--threads T] [--repeats R]
                                                        time one GEMM shape, print a JSON line
              bench --arch lstm|gru|gru-attn --features F --window L --hidden H --batch B --layers N
                    [--device D] [--threads T] [--min-seconds S] [--seed S] [--check]
                                                        the peer workload (torch_seq_ae.py) end to end, one JSON line
              eval --scores SCORES.csv --labels LABELS [--out FILE]
                                                        ROC/PR AUC, precision, recall, F1 of scores vs labels (JSON)
            devices: cpu (default without a GPU), ilgpu-cpu (ILGPU simulator), cuda, auto
            """;

        public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
        {
            if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
            {
                stdout.WriteLine(Usage);
                return args.Length == 0 ? 2 : 0;
            }
            try
            {
                var rest = args.Skip(1);
                return args[0] switch
                {
                    "devices" => DevicesCommand.Run(new CommandArgs(rest), stdout),
                    "gradcheck" => GradCheckCommand.Run(new CommandArgs(rest), stdout, stderr),
                    "bench" => BenchCommand.Run(new CommandArgs(rest), stdout, stderr),
                    "eval" => EvalCommand.Run(new CommandArgs(rest), stdout, stderr),
                    _ => throw new UsageException($"unknown command '{args[0]}'; run 'rnnengine --help'"),
                };
            }
            catch (UsageException e)
            {
                stderr.WriteLine("error: " + e.Message);
                return 2;
            }
            catch (DeviceUnavailableException e)
            {
                stderr.WriteLine("error: " + e.Message);
                return 2;
            }
        }
    }
}
