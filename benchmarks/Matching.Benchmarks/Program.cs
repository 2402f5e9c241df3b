using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/Matching.Benchmarks -- --filter '*'
var inv = System.Globalization.CultureInfo.InvariantCulture;
if (args is ["probe", var n]) Matching.Benchmarks.Probe.Run(int.Parse(n, inv));
else if (args is ["probe", var m, "suggest"]) Matching.Benchmarks.Probe.Run(int.Parse(m, inv), suggest: true);
else if (args is ["allocate", var mode, var newcomers, var offers, var candidates])
    Matching.Benchmarks.AllocateCohort.Run(mode, int.Parse(newcomers, inv), int.Parse(offers, inv), int.Parse(candidates, inv));
else BenchmarkSwitcher.FromAssembly(typeof(Matching.Benchmarks.RankOneNewcomer).Assembly).Run(args);
