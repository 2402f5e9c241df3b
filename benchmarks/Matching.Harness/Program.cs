namespace Matching.Harness;

/// <summary>The analysts' harness; benchmarks/README.md explains it.</summary>
/// <example>dotnet run -c Release --project benchmarks/Matching.Harness -- report --history data/demo/history.jsonl --out benchmarks/report</example>
internal static class Program
{
    // A named class, not top-level statements: the tests see this assembly's internals and the API's public Program.
    private static int Main(string[] args) => Cli.HarnessCli.Run(args, Console.Out, Console.Error);
}
