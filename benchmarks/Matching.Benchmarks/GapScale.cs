using System.Diagnostics;
using System.Globalization;
using Matching.Allocation;
using Matching.Contracts;
using Matching.Data;
using Matching.Geo;
using Matching.Model;
using Matching.Ranking;
using Matching.Scoring;
using Matching.Service;
using Matching.Storage;

namespace Matching.Benchmarks;

/// <summary>
/// The gap report on a store of `scale load` (issue 12's target: ≤ 2 s at 500,000 newcomers and 100,000 offers), in
/// process: `-- gaps FILE [repeats] [yyyy-MM-dd]` prints where one report's time goes (the same steps as
/// <see cref="GapReportBuilder.Build"/>, timed one by one), then the whole report by province and by municipality,
/// <c>repeats</c> times each. Before them the process's first report (by municipality, as the endpoint's default), 3 s
/// after the start: cold code and the first touch of the columns, as the host's first report after ready. The day the
/// constraints are evaluated on is `scale load`'s (2026-11-02) unless given: the host evaluates on the real day, and four
/// weeks later the same store is a harder report (trajectories and offers nearer their end). Prints name=value lines.
/// </summary>
internal static class GapScale
{
    public static void Run(string file, int repeats, DateOnly? today = null)
    {
        // The day of `scale load`'s data unless another is asked for (the host evaluates on the real day).
        var time = new FixedTime(today ?? new DateOnly(2026, 11, 2));
        var db = new SqliteDatabase($"Data Source={file}");
        var mapper = new DocumentMapper(Gazetteer.Default, InterestTaxonomy.Default, LanguageRegistry.Default, time);
        var store = new MatchingStore(db, new MatchingEngine(time), mapper, Gazetteer.Default, time);
        var newcomers = new NewcomersService(store);
        var offers = new OffersService(store);
        var profiles = new WeightProfilesService(store);
        var started = Stopwatch.StartNew();
        new ServiceStartup(store, new ChangeFeed(store, offers, profiles, newcomers), profiles, newcomers, offers).Start();
        Print("start_s", started.Elapsed.TotalSeconds);
        // The host's first report comes after other requests (scale.sh's 300), by when the background collection that a
        // large start sets off has ended.
        Thread.Sleep(TimeSpan.FromSeconds(3));
        var allocations = new AllocationsService(store, newcomers, offers);
        var profile = WeightProfile.Default;
        var clock = new Stopwatch();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var (gen2, pause) = (GC.CollectionCount(2), GC.GetTotalPauseDuration());
        clock.Restart();
        allocations.GapReport(GapGrouping.Municipality, null, profile);
        Print("gap_report_first_s", clock.Elapsed.TotalSeconds);
        Print("gap_report_first_cpu_s", (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
        Print("gap_report_first_gen2_collections", GC.CollectionCount(2) - gen2);
        Print("gap_report_first_gc_pause_ms", (GC.GetTotalPauseDuration() - pause).TotalMilliseconds);

        var engine = store.Engine;
        for (var r = 0; r < Math.Max(1, repeats); r++)
        {
            cpu = Process.GetCurrentProcess().TotalProcessorTime;
            clock.Restart();
            var waiting = newcomers.Unplaced().ToList();
            Print("waiting_newcomers", clock, cpu);
            if (r == 0)
            {
                Print("waiting", waiting.Count);
                Print("offers", store.Engine.OfferCount);
            }
            cpu = Process.GetCurrentProcess().TotalProcessorTime;
            clock.Restart();
            var frozen = engine.Index.Freeze();
            Print("freeze", clock, cpu);
            cpu = Process.GetCurrentProcess().TotalProcessorTime;
            clock.Restart();
            var flow = new GapFlow(frozen, waiting, profile, engine.Today);
            Print("columns", clock, cpu);
            cpu = Process.GetCurrentProcess().TotalProcessorTime;
            clock.Restart();
            var feasible = flow.FeasibleKinds((1 << EnumCounts.OfferKinds) - 1);
            Print("feasible_kinds", clock, cpu);
            foreach (var kind in Enum.GetValues<OfferKind>())
            {
                cpu = Process.GetCurrentProcess().TotalProcessorTime;
                clock.Restart();
                var placed = flow.MaximumAllocation(kind);
                Print($"allocation_{WireNames.Of(kind)}", clock, cpu);
                if (r > 0) continue;
                Print($"placed_{WireNames.Of(kind)}", placed.Count(o => o >= 0));
                Print($"feasible_{WireNames.Of(kind)}", feasible.Count(k => (k & (1 << (int)kind)) != 0));
            }
        }

        foreach (var grouping in new[] { GapGrouping.Province, GapGrouping.Municipality })
        {
            for (var r = 0; r < repeats; r++)
            {
                cpu = Process.GetCurrentProcess().TotalProcessorTime;
                clock.Restart();
                (gen2, pause) = (GC.CollectionCount(2), GC.GetTotalPauseDuration());
                var allocated = GC.GetTotalAllocatedBytes(precise: true);
                var report = allocations.GapReport(grouping, null, profile);
                Print($"gap_report_{WireNames.Of(grouping)}_s", clock.Elapsed.TotalSeconds);
                Print($"gap_report_{WireNames.Of(grouping)}_allocated_MiB", (GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1048576.0);
                Print($"gap_report_{WireNames.Of(grouping)}_gen2_collections", GC.CollectionCount(2) - gen2);
                Print($"gap_report_{WireNames.Of(grouping)}_gc_pause_ms", (GC.GetTotalPauseDuration() - pause).TotalMilliseconds);
                Print($"gap_report_{WireNames.Of(grouping)}_cpu_s", (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
                if (r == 0) Print($"gap_report_{WireNames.Of(grouping)}_rows", report.Rows.Count);
            }
        }
    }

    private static void Print(string name, Stopwatch clock, TimeSpan cpuBefore)
    {
        Print(name + "_ms", clock.Elapsed.TotalMilliseconds);
        Print(name + "_cpu_ms", (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds);
    }

    private static void Print(string name, double value) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}={value:0.###}"));
}
