using System.Diagnostics;
using Matching.Allocation;
using Matching.Data;
using Matching.Ranking;
using Matching.Scoring;

namespace Matching.Benchmarks;

/// <summary>
/// One allocation of a cohort, one mode per process so that the peak memory is the mode's own:
/// `-- allocate optimal 30000 10000 50`. Prints one line of tab-separated figures (the last: candidates + solve, the
/// end-to-end time of issue 12).
/// </summary>
internal static class AllocateCohort
{
    public static void Run(string mode, int newcomers, int offers, int candidates)
    {
        var today = new DateOnly(2026, 11, 2);
        var data = new DemoDataGenerator(new DemoDataOptions { Seed = 2026, Newcomers = newcomers, Offers = offers, Today = today }).Generate();
        var engine = new MatchingEngine(new FixedTime(today));
        engine.UpsertMany(data.Offers.Select(o => (o, 0)));
        var planner = new AllocationPlanner(engine);
        var cohort = data.Newcomers.OrderBy(n => n.Id, StringComparer.Ordinal).ToArray();

        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var build = Stopwatch.StartNew();
        var (problem, _) = planner.BuildProblem(cohort, WeightProfile.Default, null, candidates, ignoreCapacity: false);
        build.Stop();
        var cpu1 = Process.GetCurrentProcess().TotalProcessorTime;
        var rssBefore = PeakRssKiB();
        var allocatedBefore = GC.GetTotalAllocatedBytes(true);
        var solve = Stopwatch.StartNew();
        var solution = Allocator.Solve(problem, Enum.Parse<AllocationMode>(mode, ignoreCase: true));
        solve.Stop();
        var cpu2 = Process.GetCurrentProcess().TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes(true) - allocatedBefore;
        Console.WriteLine(string.Join('\t', mode, newcomers, offers, candidates, problem.Candidates.Count, problem.Capacities.Sum(),
            $"{build.Elapsed.TotalSeconds:F2}", $"{solve.Elapsed.TotalSeconds:F3}", solution.Placed, $"{solution.TotalScore:F3}",
            PeakRssKiB() / 1024, rssBefore / 1024, allocated / (1024 * 1024),
            $"{(cpu1 - cpu0).TotalSeconds:F2}", $"{(cpu2 - cpu1).TotalSeconds:F2}", $"{(build.Elapsed + solve.Elapsed).TotalSeconds:F2}"));
    }

    /// <summary>The process's peak resident set (VmHWM), in KiB.</summary>
    private static long PeakRssKiB()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        return -1;
    }

}
