// The analysts' harness; benchmarks/README.md explains it. For example:
//   dotnet run -c Release --project benchmarks/Matching.Harness -- report --history data/demo/history.jsonl --out benchmarks/report
return Matching.Harness.Cli.HarnessCli.Run(args, Console.Out, Console.Error);
