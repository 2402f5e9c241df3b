using Google.OrTools.Graph;
using Google.OrTools.LinearSolver;

namespace Matching.Allocation;

/// <summary>How place prices are estimated from recent arrivals.</summary>
public sealed record PricingOptions
{
    /// <summary>Sampled futures whose prices are averaged (k; 1..100, default 5 as in Ahani et al.).</summary>
    public int Samples { get; init; } = 5;

    /// <summary>
    /// What placing a newcomer is worth beside the pair's score, V ≥ 0 (default 1): every pair is worth V + score. The
    /// optimal mode places first and scores second, which is V → ∞; a finite V lets a place's price weigh a sure
    /// placement now against a likely better or otherwise impossible one later. V above 1 makes one more placement worth
    /// more than any change of score within a single newcomer's choices.
    /// </summary>
    public double PlacementValue { get; init; } = DefaultPlacementValue;

    /// <summary>The default placement value, 1.</summary>
    public const double DefaultPlacementValue = 1;

    /// <summary>Seed of the sampling; the same inputs and seed give the same prices.</summary>
    public int Seed { get; init; }
}

/// <summary>One stretch of the sampled future: the pool its arrivals are drawn from, and how many are expected.</summary>
/// <param name="Recent">The recent arrivals as if arriving in this stretch, with the offers' free places.</param>
/// <param name="Arrivals">Expected arrivals in the stretch (≥ 0).</param>
public sealed record FutureSegment(AllocationProblem Recent, double Arrivals);

/// <summary>Sampled futures over <see cref="FutureSegment"/>s, as minimum discord and the stochastic program draw them.</summary>
internal static class FutureSampling
{
    /// <summary>
    /// Checks futures made of <paramref name="segments"/> and the newcomers <paramref name="known"/> to come (if any):
    /// each a valid problem over <paramref name="offers"/> offers, each segment's arrivals finite and ≥ 0, and the
    /// number of sampled futures in range.
    /// </summary>
    /// <exception cref="ArgumentException">One is not.</exception>
    public static void Validate(IReadOnlyList<FutureSegment> segments, int offers, PricingOptions options, AllocationProblem? known = null)
    {
        foreach (var segment in segments)
        {
            Allocator.Validate(segment.Recent);
            if (segment.Recent.Capacities.Count != offers) throw new ArgumentException("Every segment must be over the same offers as the batch.", nameof(segments));
            if (!(segment.Arrivals >= 0) || double.IsInfinity(segment.Arrivals)) throw new ArgumentException("Future arrivals must be finite and ≥ 0.", nameof(segments));
        }
        if (known is not null)
        {
            Allocator.Validate(known);
            if (known.Capacities.Count != offers) throw new ArgumentException("The known newcomers must be over the same offers.", nameof(known));
        }
        if (options.Samples is < 1 or > PlacePricing.MaxSamples) throw new ArgumentException($"Samples must be between 1 and {PlacePricing.MaxSamples}.", nameof(options));
    }

    /// <summary>
    /// Draws one future: each segment's arrivals drawn with replacement from its recent pool, one row per newcomer drawn
    /// at least once, appended to <paramref name="pairs"/> (renumbered from <paramref name="counts"/>' length) with how
    /// many times it was drawn appended to <paramref name="counts"/>.
    /// </summary>
    public static void Draw(IReadOnlyList<FutureSegment> segments, Random rng, List<CandidatePair> pairs, List<int> counts)
    {
        foreach (var segment in segments)
        {
            var pool = segment.Recent;
            if (pool.NewcomerCount == 0) continue;
            var drawn = new int[pool.NewcomerCount];
            var draws = (int)Math.Round(segment.Arrivals);
            for (var d = 0; d < draws; d++) drawn[rng.Next(pool.NewcomerCount)]++;
            var rowOf = new int[pool.NewcomerCount];
            for (var i = 0; i < drawn.Length; i++)
            {
                rowOf[i] = -1;
                if (drawn[i] == 0) continue;
                rowOf[i] = counts.Count;
                counts.Add(drawn[i]);
            }
            foreach (var c in pool.Candidates) if (rowOf[c.Newcomer] >= 0) pairs.Add(c with { Newcomer = rowOf[c.Newcomer] });
        }
    }
}

/// <summary>
/// Prices per offer place for allocating over time, after Annie MOORE's dynamic version (Ahani, Gölz, Procaccia,
/// Teytelboym and Trapp, Operations Research 72:1087, 2024): sample k continuations of the arrivals from the recent ones,
/// solve the assignment LP of each (GLOP), and average the duals of the capacity constraints. A price is what one more
/// free place of the offer would add to the best value of the sampled future: zero for an offer the future does not fill,
/// up to V + 1 for an offer the future needs badly. A batch then maximises Σ(V + score − price) (<see cref="SolvePriced"/>).
/// </summary>
/// <remarks>
/// Stateless and thread-safe. The LP of bipartite b-matching has integral optimal vertices, so on the known arrivals it
/// is the allocation problem itself; its capacity duals are non-negative because capacity constraints are ≤ rows of a
/// maximisation. Where the LP is degenerate (two newcomers worth the same at the margin) any dual in the optimal face is
/// right; averaging over samples smooths that choice.
/// </remarks>
public static class PlacePricing
{
    /// <summary>The most samples one estimate takes.</summary>
    public const int MaxSamples = 100;

    /// <summary>The largest placement value accepted.</summary>
    public const double MaxPlacementValue = 1_000;

    /// <summary>
    /// Prices per offer (indexed as <paramref name="recent"/>'s capacities) from <see cref="PricingOptions.Samples"/>
    /// futures, each <paramref name="futureArrivals"/> newcomers drawn with replacement from <paramref name="recent"/>'s
    /// newcomers, with the <paramref name="known"/> newcomers (a batch waiting for its allocation) added to every sample.
    /// </summary>
    /// <param name="recent">The recent arrivals with their candidate pairs (scored and feasible as if they arrived now)
    /// and the offers' free places.</param>
    /// <param name="futureArrivals">How many newcomers the rest of the period is expected to bring (≥ 0).</param>
    /// <param name="options">Samples, placement value, seed.</param>
    /// <param name="known">Newcomers known to be waiting, over the same offers; null for none.</param>
    /// <returns>One price ≥ 0 per offer; 0 for offers without a free place.</returns>
    /// <exception cref="ArgumentException">The problems disagree on the offers, or an option is out of range.</exception>
    public static double[] Estimate(AllocationProblem recent, double futureArrivals, PricingOptions options, AllocationProblem? known = null) =>
        Estimate([new FutureSegment(recent, futureArrivals)], options, known);

    /// <summary>
    /// Prices per offer from futures made of segments (say, four weeks each): each segment draws its expected arrivals
    /// from its own pool — the recent arrivals as if they arrived on the segment's first day, so that an offer closing
    /// before it is not feasible in it and one opening later is. All pools and <paramref name="known"/> are over the same
    /// offers and free places.
    /// </summary>
    /// <exception cref="ArgumentException">The problems disagree on the offers, or an option is out of range.</exception>
    public static double[] Estimate(IReadOnlyList<FutureSegment> segments, PricingOptions options, AllocationProblem? known)
    {
        ArgumentNullException.ThrowIfNull(segments);
        ArgumentNullException.ThrowIfNull(options);
        if (segments.Count == 0 && known is null) throw new ArgumentException("At least one segment or the known newcomers are needed.", nameof(segments));
        var capacities = segments.Count > 0 ? segments[0].Recent.Capacities : known!.Capacities;
        FutureSampling.Validate(segments, capacities.Count, options, known);
        if (!(options.PlacementValue is >= 0 and <= MaxPlacementValue)) throw new ArgumentException($"The placement value must be between 0 and {MaxPlacementValue}.", nameof(options));

        var m = capacities.Count;
        var pools = segments.Select(x => RowsOf(x.Recent)).ToArray();
        var knownRows = known is null ? [] : RowsOf(known);
        var rng = new Random(options.Seed);
        var sum = new double[m];
        for (var s = 0; s < options.Samples; s++)
        {
            var rows = new List<(double Count, List<(int Offer, double Score)> Pairs)>();
            foreach (var r in knownRows) if (r.Count > 0) rows.Add((1, r));
            for (var g = 0; g < segments.Count; g++)
            {
                var pool = pools[g];
                if (pool.Length == 0) continue;
                var counts = new double[pool.Length];
                var draws = (int)Math.Round(segments[g].Arrivals);
                for (var d = 0; d < draws; d++) counts[rng.Next(pool.Length)]++;
                for (var i = 0; i < counts.Length; i++) if (counts[i] > 0 && pool[i].Count > 0) rows.Add((counts[i], pool[i]));
            }
            var duals = Duals(rows, capacities, options.PlacementValue);
            for (var j = 0; j < m; j++) sum[j] += duals[j];
        }
        for (var j = 0; j < m; j++) sum[j] = capacities[j] > 0 ? Math.Round(sum[j] / options.Samples, 9) : 0;
        return sum;
    }

    /// <summary>
    /// The capacity duals of one LP: maximise Σ (V + score)·x over the pairs, each row taking at most its count and each
    /// offer at most its free places, x ≥ 0. Offers without a free place get no pairs and price 0.
    /// </summary>
    internal static double[] Duals(IReadOnlyList<(double Count, List<(int Offer, double Score)> Pairs)> rows, IReadOnlyList<int> capacities, double placementValue)
    {
        var m = capacities.Count;
        var prices = new double[m];
        if (rows.Count == 0) return prices;
        using var solver = Solver.CreateSolver("GLOP") ?? throw new InvalidOperationException("OR-Tools has no GLOP solver.");
        var objective = solver.Objective();
        objective.SetMaximization();
        var capacity = new Constraint?[m];
        for (var j = 0; j < m; j++)
        {
            if (capacities[j] > 0) capacity[j] = solver.MakeConstraint(double.NegativeInfinity, capacities[j], "");
        }
        foreach (var (count, pairs) in rows)
        {
            var row = solver.MakeConstraint(double.NegativeInfinity, count, "");
            foreach (var (offer, score) in pairs)
            {
                if (capacity[offer] is not { } cap) continue;
                var x = solver.MakeNumVar(0, double.PositiveInfinity, "");
                row.SetCoefficient(x, 1);
                cap.SetCoefficient(x, 1);
                objective.SetCoefficient(x, placementValue + score);
            }
        }
        var status = solver.Solve();
        if (status != Solver.ResultStatus.OPTIMAL) throw new InvalidOperationException($"The LP solver (GLOP) ended with {status}.");
        for (var j = 0; j < m; j++)
        {
            // Duals of ≤ rows in a maximisation are ≥ 0; what is below is the solver's rounding.
            if (capacity[j] is { } c) prices[j] = Math.Max(0, c.DualValue());
        }
        return prices;
    }

    /// <summary>
    /// The batch at the given prices: maximises Σ(V + score − price) over the placed pairs (min-cost flow, OR-Tools). A
    /// newcomer whose every feasible pair is worth &lt; 0 stays unplaced (reason <see cref="UnplacedReason.HeldForLater"/>
    /// when a feasible place is still free): the future needs those places more. At a tie (worth exactly 0) the newcomer
    /// is placed. Capacities and candidates are respected as in <see cref="Allocator.Solve"/>; deterministic.
    /// </summary>
    /// <param name="problem">The batch: newcomers, free places, feasible pairs.</param>
    /// <param name="prices">One price ≥ 0 per offer.</param>
    /// <param name="placementValue">V, as in <see cref="PricingOptions.PlacementValue"/>.</param>
    /// <exception cref="ArgumentException">The prices do not match the offers or are negative, or V is out of range.</exception>
    public static AllocationSolution SolvePriced(AllocationProblem problem, IReadOnlyList<double> prices, double placementValue)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(prices);
        Allocator.Validate(problem);
        if (prices.Count != problem.Capacities.Count) throw new ArgumentException("One price per offer is needed.", nameof(prices));
        if (prices.Any(p => !(p >= 0) || double.IsInfinity(p))) throw new ArgumentException("Prices must be finite and ≥ 0.", nameof(prices));
        if (!(placementValue is >= 0 and <= MaxPlacementValue)) throw new ArgumentException($"The placement value must be between 0 and {MaxPlacementValue}.", nameof(placementValue));

        if (problem.NewcomerCount == 0) return Allocator.Summarise(problem, []);
        // Every newcomer sends one unit, through a pair (cost top − value) or straight to the sink (cost top): the minimum
        // cost is n·top − Σ value of the placed pairs, and only pairs of positive value are offered at all.
        var top = (long)Math.Ceiling((placementValue + 1) * Allocator.Scale) + 1;
        return SolveHolding(problem, _ => top, c =>
        {
            var value = (long)Math.Round((placementValue + c.Score - prices[c.Offer]) * Allocator.Scale);
            // One unit of resolution for placing: at a tie, a sure placement now beats an equal expected one later.
            return value < 0 ? null : top - value - 1;
        });
    }

    /// <summary>
    /// A batch as a min-cost flow (OR-Tools) in which every newcomer sends one unit, either through one of its pairs (cost
    /// <paramref name="pairCost"/>; null: the pair is not offered) or straight to the sink (cost
    /// <paramref name="leaveCost"/>), within the offers' free places. An unplaced newcomer with a feasible place still
    /// free was held back, not crowded out: its reason is <see cref="UnplacedReason.HeldForLater"/>. The priced batch and
    /// the stochastic program's repair share it.
    /// </summary>
    internal static AllocationSolution SolveHolding(AllocationProblem problem, Func<int, long> leaveCost, Func<CandidatePair, long?> pairCost)
    {
        var n = problem.NewcomerCount;
        var m = problem.Capacities.Count;
        var offerOf = new int[n];
        Array.Fill(offerOf, -1);
        var source = n + m;
        var sink = source + 1;
        var flow = new MinCostFlow(n + m + 2, 2 * n + m + problem.Candidates.Count);
        for (var i = 0; i < n; i++)
        {
            flow.AddArcWithCapacityAndUnitCost(source, i, 1, 0);
            flow.AddArcWithCapacityAndUnitCost(i, sink, 1, leaveCost(i));
        }
        var pairArcs = new List<(int Arc, int Newcomer, int Offer)>(problem.Candidates.Count);
        foreach (var c in problem.Candidates)
        {
            if (problem.Capacities[c.Offer] <= 0 || pairCost(c) is not { } cost) continue;
            pairArcs.Add((flow.AddArcWithCapacityAndUnitCost(c.Newcomer, n + c.Offer, 1, cost), c.Newcomer, c.Offer));
        }
        for (var j = 0; j < m; j++) if (problem.Capacities[j] > 0) flow.AddArcWithCapacityAndUnitCost(n + j, sink, problem.Capacities[j], 0);
        flow.SetNodeSupply(source, n);
        flow.SetNodeSupply(sink, -n);
        var status = flow.Solve();
        if (status != MinCostFlowBase.Status.OPTIMAL) throw new InvalidOperationException($"The min-cost-flow solver ended with {status}.");
        foreach (var (arc, newcomer, offer) in pairArcs) if (flow.Flow(arc) > 0) offerOf[newcomer] = offer;
        var solution = Allocator.Summarise(problem, offerOf);
        var left = problem.Capacities.ToArray();
        foreach (var j in offerOf) if (j >= 0) left[j]--;
        var unplaced = new SortedDictionary<int, UnplacedReason>(solution.Unplaced.ToDictionary());
        foreach (var c in problem.Candidates)
        {
            if (left[c.Offer] > 0 && unplaced.ContainsKey(c.Newcomer)) unplaced[c.Newcomer] = UnplacedReason.HeldForLater;
        }
        return solution with { Unplaced = unplaced };
    }

    private static List<(int Offer, double Score)>[] RowsOf(AllocationProblem p)
    {
        var rows = new List<(int Offer, double Score)>[p.NewcomerCount];
        for (var i = 0; i < rows.Length; i++) rows[i] = [];
        foreach (var c in p.Candidates) rows[c.Newcomer].Add((c.Offer, c.Score));
        return rows;
    }
}
