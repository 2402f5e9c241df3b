using Google.OrTools.Graph;

namespace Matching.Allocation;

/// <summary>
/// A batch allocated by consensus with sampled futures, after Bansak and Paulson's minimum-discord method (Operations
/// Research, 2024): for each of k futures sampled from the recent arrivals, the optimal allocation (placed first, then
/// total score — the optimal mode's objective) of the batch together with that future; then the batch allocation that
/// agrees most with those k solutions, counting "left unplaced" as a choice too.
/// </summary>
/// <remarks>
/// Stateless and thread-safe. Unlike prices, the sampled solutions keep the optimal mode's lexicographic objective
/// exactly; unlike one sampled solution, the vote is not at the mercy of one sample's accidents.
/// </remarks>
public static class MinimumDiscord
{
    /// <summary>
    /// The batch's allocation. <paramref name="recent"/> and <paramref name="batch"/> are over the same offers and free places.
    /// </summary>
    /// <param name="batch">The newcomers to allocate now, their feasible pairs and the offers' free places.</param>
    /// <param name="recent">The recent arrivals the futures are sampled from (their pairs as if they arrived now).</param>
    /// <param name="futureArrivals">How many newcomers the rest of the period is expected to bring (≥ 0).</param>
    /// <param name="options">Samples (k) and seed; the placement value is not used.</param>
    /// <exception cref="ArgumentException">The problems disagree on the offers, or an option is out of range.</exception>
    public static AllocationSolution Solve(AllocationProblem batch, AllocationProblem recent, double futureArrivals, PricingOptions options) =>
        Solve(batch, [new FutureSegment(recent, futureArrivals)], options);

    /// <summary>The batch's allocation against futures made of segments, each drawn from its own pool (see <see cref="PlacePricing.Estimate(IReadOnlyList{FutureSegment}, PricingOptions, AllocationProblem?)"/>).</summary>
    /// <exception cref="ArgumentException">The problems disagree on the offers, or an option is out of range.</exception>
    public static AllocationSolution Solve(AllocationProblem batch, IReadOnlyList<FutureSegment> segments, PricingOptions options)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(segments);
        ArgumentNullException.ThrowIfNull(options);
        Allocator.Validate(batch);
        FutureSampling.Validate(segments, batch.Capacities.Count, options);

        var n = batch.NewcomerCount;
        var votes = new Dictionary<(int Newcomer, int Offer), int>();
        var unplacedVotes = new int[n];
        var rng = new Random(options.Seed);
        for (var s = 0; s < options.Samples; s++)
        {
            // One future: every segment's draws, as rows of one problem with a count each.
            var pairs = new List<CandidatePair>();
            var counts = new List<int>();
            FutureSampling.Draw(segments, rng, pairs, counts);
            var future = new AllocationProblem(counts.Count, batch.Capacities, pairs);
            var offerOf = SolveWithFuture(batch, future, counts.ToArray());
            for (var i = 0; i < n; i++)
            {
                if (offerOf[i] < 0) unplacedVotes[i]++;
                else votes[(i, offerOf[i])] = votes.GetValueOrDefault((i, offerOf[i])) + 1;
            }
        }
        // The consensus: each pair is worth its votes, leaving a newcomer unplaced is worth their unplaced votes; the
        // score breaks ties (it is below one vote in total), so that with no clear majority the better fit wins.
        var consensus = new AllocationProblem(n, batch.Capacities, batch.Candidates);
        var value = new Dictionary<(int, int), double>(batch.Candidates.Count);
        foreach (var c in batch.Candidates) value[(c.Newcomer, c.Offer)] = votes.GetValueOrDefault((c.Newcomer, c.Offer)) + c.Score / (2.0 * options.Samples + 2);
        return SolveByValue(consensus, value, unplacedVotes);
    }

    /// <summary>
    /// The lexicographic optimum of the batch with one sampled future (future row r standing for counts[r] newcomers):
    /// max flow at min cost Σ(Scale − score), as <see cref="Allocator"/>'s optimal mode. Returns the batch's offers.
    /// </summary>
    private static int[] SolveWithFuture(AllocationProblem batch, AllocationProblem recent, int[] counts)
    {
        var n = batch.NewcomerCount;
        var r = recent.NewcomerCount;
        var m = batch.Capacities.Count;
        var source = n + r + m;
        var sink = source + 1;
        var flow = new MinCostFlow(n + r + m + 2, n + r + m + batch.Candidates.Count + recent.Candidates.Count);
        long supply = 0;
        for (var i = 0; i < n; i++) { flow.AddArcWithCapacityAndUnitCost(source, i, 1, 0); supply++; }
        for (var k = 0; k < r; k++) if (counts[k] > 0) { flow.AddArcWithCapacityAndUnitCost(source, n + k, counts[k], 0); supply += counts[k]; }
        var batchArcs = new List<(int Arc, int Newcomer, int Offer)>(batch.Candidates.Count);
        foreach (var c in batch.Candidates)
        {
            if (batch.Capacities[c.Offer] <= 0) continue;
            batchArcs.Add((flow.AddArcWithCapacityAndUnitCost(c.Newcomer, n + r + c.Offer, 1, Allocator.Scale - (long)Math.Round(c.Score * Allocator.Scale)), c.Newcomer, c.Offer));
        }
        foreach (var c in recent.Candidates)
        {
            if (counts[c.Newcomer] == 0 || batch.Capacities[c.Offer] <= 0) continue;
            flow.AddArcWithCapacityAndUnitCost(n + c.Newcomer, n + r + c.Offer, counts[c.Newcomer], Allocator.Scale - (long)Math.Round(c.Score * Allocator.Scale));
        }
        for (var j = 0; j < m; j++) if (batch.Capacities[j] > 0) flow.AddArcWithCapacityAndUnitCost(n + r + j, sink, batch.Capacities[j], 0);
        var offerOf = new int[n];
        Array.Fill(offerOf, -1);
        if (supply == 0) return offerOf;
        flow.SetNodeSupply(source, supply);
        flow.SetNodeSupply(sink, -supply);
        var status = flow.SolveMaxFlowWithMinCost();
        if (status != MinCostFlowBase.Status.OPTIMAL) throw new InvalidOperationException($"The min-cost-flow solver ended with {status}.");
        foreach (var (arc, newcomer, offer) in batchArcs) if (flow.Flow(arc) > 0) offerOf[newcomer] = offer;
        return offerOf;
    }

    /// <summary>Maximises Σ value over placed pairs plus Σ unplaced value over the others (min-cost flow).</summary>
    private static AllocationSolution SolveByValue(AllocationProblem p, Dictionary<(int, int), double> value, int[] unplacedValue)
    {
        var n = p.NewcomerCount;
        var m = p.Capacities.Count;
        var offerOf = new int[n];
        Array.Fill(offerOf, -1);
        if (n == 0) return Allocator.Summarise(p, offerOf);
        var top = (long)((value.Count == 0 ? 0 : value.Values.Max()) + unplacedValue.DefaultIfEmpty(0).Max() + 1) * Allocator.Scale;
        var source = n + m;
        var sink = source + 1;
        var flow = new MinCostFlow(n + m + 2, 2 * n + m + p.Candidates.Count);
        for (var i = 0; i < n; i++)
        {
            flow.AddArcWithCapacityAndUnitCost(source, i, 1, 0);
            flow.AddArcWithCapacityAndUnitCost(i, sink, 1, top - unplacedValue[i] * Allocator.Scale);
        }
        var arcs = new List<(int Arc, int Newcomer, int Offer)>(p.Candidates.Count);
        foreach (var c in p.Candidates)
        {
            if (p.Capacities[c.Offer] <= 0) continue;
            arcs.Add((flow.AddArcWithCapacityAndUnitCost(c.Newcomer, n + c.Offer, 1, top - (long)Math.Round(value[(c.Newcomer, c.Offer)] * Allocator.Scale)), c.Newcomer, c.Offer));
        }
        for (var j = 0; j < m; j++) if (p.Capacities[j] > 0) flow.AddArcWithCapacityAndUnitCost(n + j, sink, p.Capacities[j], 0);
        flow.SetNodeSupply(source, n);
        flow.SetNodeSupply(sink, -n);
        var status = flow.Solve();
        if (status != MinCostFlowBase.Status.OPTIMAL) throw new InvalidOperationException($"The min-cost-flow solver ended with {status}.");
        foreach (var (arc, newcomer, offer) in arcs) if (flow.Flow(arc) > 0) offerOf[newcomer] = offer;
        return Allocator.Summarise(p, offerOf);
    }
}
