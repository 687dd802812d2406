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
              run powerdemand|sine [--device D] [--out DIR] [--data DIR] [--seed N] [--epochs N] [--hidden N]
                                                        a seed's experiment end to end: table, results.json, PNG plots
              train --data FILE [--format csv|swat|trace] [--columns a,b] [--labels FILE] [--resample S]
                    --model encdec-ad|lstm-ae|gru-ae|fc-ae|repeat-lstm-ae|next-step-lstm|next-step-gru
                    [--window N] [--hidden N] [--epochs N] [--device D] --out MODEL
                                                        fit a detector (network, error model, threshold) on numeric rows
              train --data TRACE.kev.csv --model gru-attention-seq2seq [--vocabulary FILE.json] [--label-column NAME]
                    [--window 5] [--segment 200] [--embedding N] [--hidden N] [--epochs N] [--windows-per-epoch N] --out MODEL
                                                        seed 004's token model on a kernel-event trace
              score --model MODEL --data FILE --out SCORES.csv [--device D]
                                                        one row per input row or event: index,score,is_anomaly
              stream --model MODEL [--input FILE|-] [--follow] [--device D]
                                                        score rows as they arrive (stdin or a growing file), one line each
              train ... --resume                        go on from MODEL.state (saved after every epoch; Adam state included);
                                                        a non-finite loss or gradient stops training with exit code 3
              train/score/stream [--missing error|drop|ffill|zero]
                                                        missing cells (empty, NaN, NA): reject (default), drop the row, carry forward, zero
              bench --arch lstm|gru|gru-attn --features F --window L --hidden H --batch B --layers N
                    [--device D] [--threads T] [--min-seconds S] [--seed S] [--check]
                                                        the peer workload (torch_seq_ae.py) end to end, one JSON line
              eval --scores SCORES.csv --labels LABELS [--out FILE]
                                                        ROC/PR AUC, precision, recall, F1 of scores vs labels (JSON)
                                                        [--threshold VALUE] [--seed N]: PA, PA%K, event, delay, oracle, random baseline
            devices: cpu (default without a GPU), ilgpu-cpu (ILGPU simulator), cuda, auto
            """;

        public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
        {
            if (args is [WriteCheckpointsCommand.Name, ..]) return WriteCheckpointsCommand.Run(new CommandArgs(args.Skip(1)), stdout);   // hidden: kill test
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
                    "run" => RunCommand.Run(new CommandArgs(rest), stdout, stderr),
                    "train" => TrainCommand.Run(new CommandArgs(rest), stdout, stderr),
                    "score" => ScoreCommand.Run(new CommandArgs(rest), stdout, stderr),
                    "eval" => EvalCommand.Run(new CommandArgs(rest), stdout, stderr),
                    "stream" => StreamCommand.Run(new CommandArgs(rest), stdout, stderr),
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
            catch (RnnEngine.Models.Data.DataFormatException e)
            {
                stderr.WriteLine("error: " + e.Message);
                return 2;
            }
        }
    }
}
