using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using RnnEngine.Cli;
using RnnEngine.Cli.Commands;
using RnnEngine.Engine;

// on a terminal, training progress is one live line per phase; in a pipe, a line every few seconds
using var live = Console.IsErrorRedirected ? null : new RnnEngine.Cli.Output.LiveProgress(Console.Error);
return live is null ? Cli.Run(args, Console.Out, Console.Error)
    : Cli.Run(args, Console.IsOutputRedirected ? Console.Out : live.Beside(Console.Out), live);

namespace RnnEngine.Cli
{
    /// <summary>
    /// Entry point. Exit codes: 0 ok, 1 a check failed, 2 bad usage or bad input (one line on stderr, and for a command
    /// line the parser rejects, the command's usage), 3 training stopped on a non-finite loss.
    /// </summary>
    public static class Cli
    {
        public const string Description = """
            RnnEngine: LSTM/GRU anomaly detection on time series and event logs, on a from-scratch engine (cpu, cuda).
            Start with: rnnengine train --data normal.csv --out my.model; then score, eval. Every command answers --help.
            """;

        public static int Run(string[] args, TextWriter stdout, TextWriter stderr) => Run(args, stdout, stderr, null, CancellationToken.None);

        /// <param name="stdin">what `stream --input -` reads (null: the process's standard input)</param>
        /// <param name="cancel">ends a followed `stream` (tests; the process itself ends it on Ctrl-C / SIGTERM)</param>
        internal static int Run(string[] args, TextWriter stdout, TextWriter stderr, TextReader? stdin, CancellationToken cancel)
        {
            RootCommand root = Build(stdout, stderr, stdin, cancel);
            var invocation = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false };
            try
            {
                ParseResult parse = root.Parse(ConfigFile.Expand(root, args));
                if (parse.Errors.Count > 0 && parse.Action is not HelpAction)
                {
                    foreach (var e in parse.Errors) stderr.WriteLine("error: " + Plain(e.Message));
                    stderr.WriteLine();
                    // the usage of the command that was being parsed
                    root.Parse([.. CommandPath(parse), "--help"]).Invoke(new InvocationConfiguration { Output = stderr, Error = stderr });
                    return 2;
                }
                return parse.Invoke(invocation);
            }
            catch (UsageException e)
            {
                return Refuse(stderr, e.Message);
            }
            catch (DeviceUnavailableException e)
            {
                return Refuse(stderr, e.Message);
            }
            catch (RnnEngine.Models.Data.DataFormatException e)
            {
                return Refuse(stderr, e.Message);
            }
        }

        internal static RootCommand Build(TextWriter stdout, TextWriter stderr, TextReader? stdin, CancellationToken cancel)
        {
            var root = new RootCommand(Description)
            {
                DevicesCommand.Build(stdout),
                GradCheckCommand.Build(stdout, stderr),
                BenchCommand.Build(stdout, stderr),
                RunCommand.Build(stdout, stderr),
                TrainCommand.Build(stdout, stderr),
                ScoreCommand.Build(stdout, stderr),
                EvalCommand.Build(stdout, stderr),
                StreamCommand.Build(stdout, stderr, stdin, cancel),
                ServeCommand.Build(stdout, stderr, cancel),
                PublishCommand.Build(stdout, stderr),
                WriteCheckpointsCommand.Build(stdout),
            };
            return root;
        }

        /// <summary>Bad input or a bad combination of options found by a command: one line, exit 2.</summary>
        private static int Refuse(TextWriter stderr, string message)
        {
            stderr.WriteLine("error: " + message);
            return 2;
        }

        /// <summary>The parser names .NET types where a reader wants words.</summary>
        private static string Plain(string message) => System.Text.RegularExpressions.Regex.Replace(message,
            @"as expected type '[^']*(Int32|Double)[^']*'", m => m.Groups[1].Value == "Int32" ? "as an integer" : "as a number");

        private static List<string> CommandPath(ParseResult parse)
        {
            var path = new List<string>();
            for (var r = parse.CommandResult; r.Parent is System.CommandLine.Parsing.CommandResult parent; r = parent) path.Insert(0, r.Command.Name);
            return path;
        }
    }
}
