using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/Matching.Benchmarks -- --filter '*'
if (args is ["probe", var n]) Matching.Benchmarks.Probe.Run(int.Parse(n, System.Globalization.CultureInfo.InvariantCulture));
else BenchmarkSwitcher.FromAssembly(typeof(Matching.Benchmarks.RankOneNewcomer).Assembly).Run(args);
