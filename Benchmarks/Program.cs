using BenchmarkDotNet.Running;

// `dotnet run -c Release --project Benchmarks -- --filter '*'` runs every benchmark; add `--inprocess` where no SDK is present.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
