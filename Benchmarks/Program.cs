using BenchmarkDotNet.Running;

// `dotnet run -c Release --project Benchmarks -- --filter '*'` runs every benchmark (see Benchmarks/README.md).
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
