using System.Diagnostics;
using Google.OrTools.Graph;
using Matching.Allocation;
using Matching.Data;
using Matching.Model;
using Matching.Ranking;
using Matching.Scoring;

namespace Matching.Benchmarks;

/// <summary>
/// The ideas tried for the optimal allocation at scale, in one process and back to back, so that their ratios hold on a
/// shared machine: `-- allocate-variants 30000 10000 50 [rounds=3]`. Prints the problem's connected components, then per
/// round the candidate scan (the ranking's Rank, counting every exclusion, against the allocation's TopFeasible, one
/// thread) and the solver variants (integer cost resolution, and one min-cost flow with an "unplaced" arc per newcomer
/// instead of the max flow first), each with its placed count and total score.
/// </summary>
internal static class AllocateVariants
{
    public static void Run(int newcomers, int offers, int k, int rounds)
    {
        var today = new DateOnly(2026, 11, 2);
        var data = new DemoDataGenerator(new DemoDataOptions { Seed = 2026, Newcomers = newcomers, Offers = offers, Today = today }).Generate();
        var engine = new MatchingEngine(new FixedTime(today));
        engine.UpsertMany(data.Offers.Select(o => (o, 0)));
        var cohort = data.Newcomers.OrderBy(n => n.Id, StringComparer.Ordinal).ToArray();
        var (problem, numbered) = new AllocationPlanner(engine).BuildProblem(cohort, WeightProfile.Default, null, k, ignoreCapacity: false);
        Console.WriteLine($"pairs {problem.Candidates.Count}, places {problem.Capacities.Sum()}, components (newcomers in the largest five): {Components(problem)}");

        var queries = cohort.Select(n => engine.Compile(n, WeightProfile.Default, null)).ToArray();
        var excluded = new int[OfferIndex.OutcomeSlots];
        var (scores, slots, found, held) = (new double[k], new int[k], new Offer[k], new int[k]);
        for (var round = 1; round <= rounds; round++)
        {
            var clock = Stopwatch.StartNew();
            long ranked = 0, feasible = 0;
            foreach (var q in queries) ranked += engine.Index.Rank(q, k, excluded).Count;
            var rank = clock.Elapsed.TotalSeconds;
            clock.Restart();
            foreach (var q in queries) feasible += engine.Index.TopFeasible(q, scores, slots, found, held);
            Console.WriteLine($"round {round}: scan, one thread: Rank {rank:F2} s, TopFeasible {clock.Elapsed.TotalSeconds:F2} s ({ranked} = {feasible} pairs)");
            foreach (var scale in new long[] { Allocator.Scale, 100_000, 10_000 })
            {
                clock.Restart();
                var offerOf = Allocator.SolveOptimal(problem, scale);
                Report(round, $"max flow at min cost, scale {scale}", clock.Elapsed.TotalSeconds, Allocator.Summarise(problem, offerOf));
            }
            clock.Restart();
            var spatial = SpatialOrder(problem, cohort, numbered);
            Report(round, "max flow at min cost, nodes in spatial order", clock.Elapsed.TotalSeconds, Allocator.Summarise(problem, spatial));
            clock.Restart();
            var bypass = WithUnplacedArcs(problem);
            Report(round, "min cost with unplaced arcs", clock.Elapsed.TotalSeconds, Allocator.Summarise(problem, bypass));
        }
    }

    private static void Report(int round, string variant, double seconds, AllocationSolution s) =>
        Console.WriteLine($"round {round}: {variant}: {seconds:F2} s, placed {s.Placed}, total {s.TotalScore:F6}");

    /// <summary>
    /// One min-cost flow where every newcomer may also go straight to the sink at a cost above any n pair costs: placing
    /// one more always wins, so the optimum is the lexicographic one, but the costs span 3·10¹⁰ instead of 10⁶.
    /// </summary>
    private static int[] WithUnplacedArcs(AllocationProblem p)
    {
        var n = p.NewcomerCount;
        var m = p.Capacities.Count;
        var sink = n + m;
        var pairs = Allocator.AsSpan(p.Candidates);
        var flow = new MinCostFlow(n + m + 1, n + m + pairs.Length);
        var unplaced = (n + 1L) * Allocator.Scale;
        var arcs = new int[pairs.Length];
        for (var q = 0; q < pairs.Length; q++)
        {
            arcs[q] = flow.AddArcWithCapacityAndUnitCost(pairs[q].Newcomer, n + pairs[q].Offer, 1, Allocator.Scale - (long)Math.Round(pairs[q].Score * Allocator.Scale));
        }
        for (var j = 0; j < m; j++) flow.AddArcWithCapacityAndUnitCost(n + j, sink, p.Capacities[j], 0);
        for (var i = 0; i < n; i++)
        {
            flow.AddArcWithCapacityAndUnitCost(i, sink, 1, unplaced);
            flow.SetNodeSupply(i, 1);
        }
        flow.SetNodeSupply(sink, -n);
        if (flow.Solve() != MinCostFlowBase.Status.OPTIMAL) throw new InvalidOperationException("The solver did not finish.");
        var offerOf = new int[n];
        Array.Fill(offerOf, -1);
        for (var q = 0; q < arcs.Length; q++) if (flow.Flow(arcs[q]) > 0) offerOf[pairs[q].Newcomer] = pairs[q].Offer;
        return offerOf;
    }

    /// <summary>
    /// The same max flow at min cost with the solver's nodes renumbered along a Z-order curve (newcomers by home, offers
    /// by place), so that the nodes a push touches lie near each other in its arrays; the answer is mapped back.
    /// </summary>
    private static int[] SpatialOrder(AllocationProblem p, Newcomer[] cohort, Offer[] offers)
    {
        var n = p.NewcomerCount;
        var m = p.Capacities.Count;
        var newcomerAt = Enumerable.Range(0, n).OrderBy(i => OfferIndex.ZOrder(cohort[i].Location.Point)).ThenBy(i => i).ToArray();
        var offerAt = Enumerable.Range(0, m).OrderBy(j => OfferIndex.ZOrder(offers[j].Location.Point)).ThenBy(j => j).ToArray();
        var nodeOfNewcomer = new int[n];
        var nodeOfOffer = new int[m];
        for (var r = 0; r < n; r++) nodeOfNewcomer[newcomerAt[r]] = r;
        for (var r = 0; r < m; r++) nodeOfOffer[offerAt[r]] = n + r;
        var pairs = Allocator.AsSpan(p.Candidates);
        var order = Enumerable.Range(0, pairs.Length).ToArray();
        var keys = new long[pairs.Length];
        for (var q = 0; q < pairs.Length; q++) keys[q] = ((long)nodeOfNewcomer[pairs[q].Newcomer] << 32) | (uint)nodeOfOffer[pairs[q].Offer];
        Array.Sort(keys, order);
        var source = n + m;
        var sink = source + 1;
        var flow = new MinCostFlow(n + m + 2, 2 * (n + m) + pairs.Length);
        for (var r = 0; r < n; r++) flow.AddArcWithCapacityAndUnitCost(source, r, 1, 0);
        var arcs = new int[pairs.Length];
        foreach (var q in order)
        {
            arcs[q] = flow.AddArcWithCapacityAndUnitCost(nodeOfNewcomer[pairs[q].Newcomer], nodeOfOffer[pairs[q].Offer], 1,
                Allocator.Scale - (long)Math.Round(pairs[q].Score * Allocator.Scale));
        }
        for (var r = 0; r < m; r++) if (p.Capacities[offerAt[r]] > 0) flow.AddArcWithCapacityAndUnitCost(n + r, sink, p.Capacities[offerAt[r]], 0);
        flow.SetNodeSupply(source, n);
        flow.SetNodeSupply(sink, -n);
        if (flow.SolveMaxFlowWithMinCost() != MinCostFlowBase.Status.OPTIMAL) throw new InvalidOperationException("The solver did not finish.");
        var offerOf = new int[n];
        Array.Fill(offerOf, -1);
        for (var q = 0; q < arcs.Length; q++) if (flow.Flow(arcs[q]) > 0) offerOf[pairs[q].Newcomer] = pairs[q].Offer;
        return offerOf;
    }

    /// <summary>How many connected components the candidate graph has, and the newcomers in the five largest.</summary>
    private static string Components(AllocationProblem p)
    {
        var n = p.NewcomerCount;
        var parent = Enumerable.Range(0, n + p.Capacities.Count).ToArray();
        int Find(int x)
        {
            while (parent[x] != x) x = parent[x] = parent[parent[x]];
            return x;
        }
        foreach (var c in p.Candidates) parent[Find(c.Newcomer)] = Find(n + c.Offer);
        var sizes = Enumerable.Range(0, n).GroupBy(Find).Select(g => g.Count()).OrderDescending().ToList();
        return $"{sizes.Count} ({string.Join(", ", sizes.Take(5))})";
    }
}
