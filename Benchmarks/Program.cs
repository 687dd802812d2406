using BenchmarkDotNet.Running;
using RnnEngine.Benchmarks;

// `dotnet run -c Release --project Benchmarks -- --filter '*'` runs every benchmark (see Benchmarks/README.md);
// `--lstm-ratio [rounds]` runs the interleaved LSTM-layer / GEMM-step check of LstmRatio instead.
if (args.Length > 0 && args[0] == "--lstm-ratio")
{
    LstmRatio.Run(args.Length > 1 ? int.Parse(args[1]) : 8);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
