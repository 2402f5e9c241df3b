using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/Matching.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Matching.Benchmarks.RankOneNewcomer).Assembly).Run(args);
