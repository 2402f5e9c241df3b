using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/Matching.Benchmarks -- --filter '*'
var inv = System.Globalization.CultureInfo.InvariantCulture;
if (args is ["allocate-variants", var vn, var vo, var vk, ..]) Matching.Benchmarks.AllocateVariants.Run(int.Parse(vn, inv), int.Parse(vo, inv), int.Parse(vk, inv), args.Length > 4 ? int.Parse(args[4], inv) : 3);
else if (args is ["probe", var n]) Matching.Benchmarks.Probe.Run(int.Parse(n, inv));
else if (args is ["probe", var m, "suggest"]) Matching.Benchmarks.Probe.Run(int.Parse(m, inv), suggest: true);
else if (args is ["spread", var so, ..])
    Matching.Benchmarks.Spread.Run(int.Parse(so, inv), args.Length > 2 ? int.Parse(args[2], inv) : 200, args.Length > 3 ? int.Parse(args[3], inv) : 20);
else if (args is ["allocate", var mode, var newcomers, var offers, var candidates])
    Matching.Benchmarks.AllocateCohort.Run(mode, int.Parse(newcomers, inv), int.Parse(offers, inv), int.Parse(candidates, inv));
else if (args is ["scale", "load", var newcomerCount, var offerCount, var file])
    Matching.Benchmarks.Scale.Load(int.Parse(newcomerCount, inv), int.Parse(offerCount, inv), file);
else if (args is ["scale", "serve", var storeFile, var cohort, ..]) Matching.Benchmarks.Scale.Serve(storeFile, int.Parse(cohort, inv), gapReport: !args.Contains("--no-gap"));
else if (args is ["gaps", var gapsFile, ..]) Matching.Benchmarks.GapScale.Run(gapsFile, args.Length > 2 ? int.Parse(args[2], inv) : 3,
    args.Length > 3 ? DateOnly.ParseExact(args[3], "yyyy-MM-dd", inv) : null);
else if (args is ["scale", "profile-load", var profileFile]) Matching.Benchmarks.Scale.ProfileLoad(profileFile);
else BenchmarkSwitcher.FromAssembly(typeof(Matching.Benchmarks.RankOneNewcomer).Assembly).Run(args);
