using Google.OrTools.LinearSolver;

namespace Matching.Allocation;

/// <summary>
/// One sampled future for <see cref="ScenarioAllocation"/>: its rows (each standing for <paramref name="Counts"/>[r]
/// newcomers alike) with their feasible pairs, over the batch's offers.
/// </summary>
/// <param name="Future">The future's rows and pairs; its capacities are ignored (the batch's free places count).</param>
/// <param name="Counts">Per row, how many newcomers it stands for (≥ 0; a fraction in the expected future).</param>
internal sealed record Scenario(AllocationProblem Future, IReadOnlyList<double> Counts);

/// <summary>The batch's allocation by the stochastic program, with what the program says a free place is worth.</summary>
/// <param name="Solution">The batch's integral allocation.</param>
/// <param name="Prices">Per offer, the capacity duals summed over the scenarios (each weighted 1/k): the expected value
/// of one more free place to the futures, ≥ 0.</param>
/// <param name="Fractional">Batch pairs the LP left strictly between 0 and 1 (rounded by the repair flow).</param>
internal sealed record ScenarioDecision(AllocationSolution Solution, double[] Prices, int Fractional);

/// <summary>
/// A weekly batch allocated by a two-stage stochastic program (sample average approximation): one LP (GLOP) in which the
/// batch's assignment is shared by k sampled futures and each future has its own assignment, the offers' free places
/// binding in every future (batch + future s ≤ places), maximising the batch's value plus the mean of the futures'
/// values. Every pair is worth W + score, W large, so that the program places first and scores second as the hindsight
/// optimum does; the batch part is then made integral by a min-cost flow that follows the LP's values.
/// </summary>
/// <remarks>
/// Unlike prices (one number per place, averaged over samples, <see cref="PlacePricing"/>), the program keeps every
/// future's own competition for a place: a batch newcomer is held only where holding wins on average over the futures.
/// With one scenario equal to the actual rest of the year it is the hindsight optimum's batch (the LP of bipartite
/// b-matching has integral vertices). Stateless and thread-safe.
/// </remarks>
internal static class ScenarioAllocation
{
    /// <summary>The default W: one placement outweighs any change of score a batch of a few hundred can make.</summary>
    public const double DefaultPlacementValue = 100;

    /// <summary>
    /// The batch's allocation against <paramref name="options"/>.Samples futures drawn from the segments as
    /// <see cref="MinimumDiscord"/> draws them (each segment's expected arrivals, with replacement, from its pool).
    /// </summary>
    /// <param name="batch">The newcomers to allocate now, their feasible pairs and the offers' free places.</param>
    /// <param name="segments">The future's segments over the same offers.</param>
    /// <param name="options">Samples (k) and seed.</param>
    /// <param name="placementValue">W, the value of a placement beside its score (≥ 0).</param>
    /// <param name="expected">Instead of sampling, one scenario with every pool row standing for its expected share of
    /// the segment's arrivals (a fraction): the fluid approximation.</param>
    /// <param name="known">Newcomers known to come after the batch (say, intakes already registered), added to every
    /// scenario; null for none. Over the batch's offers.</param>
    /// <exception cref="ArgumentException">The problems disagree on the offers, or an option is out of range.</exception>
    public static ScenarioDecision Solve(AllocationProblem batch, IReadOnlyList<FutureSegment> segments, PricingOptions options, double placementValue = DefaultPlacementValue, bool expected = false, AllocationProblem? known = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(segments);
        ArgumentNullException.ThrowIfNull(options);
        Allocator.Validate(batch);
        FutureSampling.Validate(segments, batch.Capacities.Count, options, known);
        var knownPairs = known?.Candidates ?? [];
        var knownCounts = Enumerable.Repeat(1.0, known?.NewcomerCount ?? 0).ToArray();

        if (expected)
        {
            var pairs = new List<CandidatePair>(knownPairs);
            var counts = new List<double>(knownCounts);
            foreach (var segment in segments)
            {
                var pool = segment.Recent;
                if (pool.NewcomerCount == 0 || segment.Arrivals <= 0) continue;
                var first = counts.Count;
                for (var i = 0; i < pool.NewcomerCount; i++) counts.Add(segment.Arrivals / pool.NewcomerCount);
                foreach (var c in pool.Candidates) pairs.Add(c with { Newcomer = first + c.Newcomer });
            }
            return Solve(batch, [new Scenario(new AllocationProblem(counts.Count, batch.Capacities, pairs), counts)], placementValue);
        }
        var rng = new Random(options.Seed);
        var scenarios = new List<Scenario>(options.Samples);
        for (var s = 0; s < options.Samples; s++)
        {
            // The known newcomers' rows come first; the drawn ones are numbered after them.
            var drawnPairs = new List<CandidatePair>();
            var drawn = new List<int>();
            FutureSampling.Draw(segments, rng, drawnPairs, drawn);
            var pairs = new List<CandidatePair>(knownPairs);
            foreach (var c in drawnPairs) pairs.Add(c with { Newcomer = knownCounts.Length + c.Newcomer });
            var counts = new List<double>(knownCounts);
            foreach (var d in drawn) counts.Add(d);
            scenarios.Add(new Scenario(new AllocationProblem(counts.Count, batch.Capacities, pairs), counts));
        }
        return Solve(batch, scenarios, placementValue);
    }

    /// <summary>The batch's allocation against the given futures, each weighted 1/k.</summary>
    /// <exception cref="ArgumentException">A future disagrees on the offers, a count is negative, or W is out of range.</exception>
    public static ScenarioDecision Solve(AllocationProblem batch, IReadOnlyList<Scenario> scenarios, double placementValue = DefaultPlacementValue)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(scenarios);
        Allocator.Validate(batch);
        if (!(placementValue is >= 0 and <= PlacePricing.MaxPlacementValue)) throw new ArgumentException($"The placement value must be between 0 and {PlacePricing.MaxPlacementValue}.", nameof(placementValue));
        foreach (var s in scenarios)
        {
            Allocator.Validate(s.Future);
            if (s.Future.Capacities.Count != batch.Capacities.Count) throw new ArgumentException("Every future must be over the batch's offers.", nameof(scenarios));
            if (s.Counts.Count != s.Future.NewcomerCount || s.Counts.Any(c => !(c >= 0) || double.IsInfinity(c))) throw new ArgumentException("One count ≥ 0 per future row is needed.", nameof(scenarios));
        }

        var n = batch.NewcomerCount;
        var m = batch.Capacities.Count;
        var k = Math.Max(1, scenarios.Count);
        var prices = new double[m];
        if (n == 0) return new ScenarioDecision(Allocator.Summarise(batch, []), prices, 0);

        using var solver = Solver.CreateSolver("GLOP") ?? throw new InvalidOperationException("OR-Tools has no GLOP solver.");
        var objective = solver.Objective();
        objective.SetMaximization();
        // Per scenario, one capacity row per offer with a free place; without scenarios, one set for the batch alone.
        var capacity = new Constraint?[k, m];
        for (var s = 0; s < k; s++)
        {
            for (var j = 0; j < m; j++) if (batch.Capacities[j] > 0) capacity[s, j] = solver.MakeConstraint(double.NegativeInfinity, batch.Capacities[j], "");
        }
        var batchRows = new Constraint[n];
        for (var i = 0; i < n; i++) batchRows[i] = solver.MakeConstraint(double.NegativeInfinity, 1, "");
        var batchVars = new List<(Variable X, CandidatePair Pair)>(batch.Candidates.Count);
        foreach (var c in batch.Candidates)
        {
            if (batch.Capacities[c.Offer] <= 0) continue;
            var x = solver.MakeNumVar(0, 1, "");
            batchRows[c.Newcomer].SetCoefficient(x, 1);
            for (var s = 0; s < k; s++) capacity[s, c.Offer]!.SetCoefficient(x, 1);
            objective.SetCoefficient(x, placementValue + c.Score);
            batchVars.Add((x, c));
        }
        for (var s = 0; s < scenarios.Count; s++)
        {
            var future = scenarios[s].Future;
            var counts = scenarios[s].Counts;
            var rows = new Constraint?[future.NewcomerCount];
            foreach (var c in future.Candidates)
            {
                if (counts[c.Newcomer] == 0 || capacity[s, c.Offer] is not { } cap) continue;
                var row = rows[c.Newcomer] ??= solver.MakeConstraint(double.NegativeInfinity, counts[c.Newcomer], "");
                var y = solver.MakeNumVar(0, double.PositiveInfinity, "");
                row.SetCoefficient(y, 1);
                cap.SetCoefficient(y, 1);
                objective.SetCoefficient(y, (placementValue + c.Score) / k);
            }
        }
        var status = solver.Solve();
        if (status != Solver.ResultStatus.OPTIMAL) throw new InvalidOperationException($"The LP solver (GLOP) ended with {status}.");
        for (var j = 0; j < m; j++)
        {
            if (batch.Capacities[j] <= 0) continue;
            var sum = 0.0;
            for (var s = 0; s < k; s++) sum += capacity[s, j]!.DualValue();
            // Duals of ≤ rows in a maximisation are ≥ 0; what is below is the solver's rounding.
            prices[j] = Math.Max(0, Math.Round(sum, 9));
        }

        var value = new Dictionary<(int, int), double>(batchVars.Count);
        var placedShare = new double[n];
        var fractional = 0;
        foreach (var (x, c) in batchVars)
        {
            var v = Math.Clamp(x.SolutionValue(), 0, 1);
            if (v is > 1e-6 and < 1 - 1e-6) fractional++;
            value[(c.Newcomer, c.Offer)] = v;
            placedShare[c.Newcomer] += v;
        }
        return new ScenarioDecision(Repair(batch, value, placedShare), prices, fractional);
    }

    /// <summary>
    /// The integral batch nearest the LP's: maximises Σ LP value over the placed pairs plus Σ (1 − LP placed share) over
    /// the unplaced (min-cost flow), the score breaking ties. Where the LP is integral this is the LP's batch.
    /// </summary>
    private static AllocationSolution Repair(AllocationProblem p, Dictionary<(int, int), double> value, double[] placedShare)
    {
        // Values in [0, 1] at resolution 1/Scale·1000, the score below one unit of that (a tie-break only).
        const long unit = 1_000 * Allocator.Scale;
        var top = 2 * unit;
        return PlacePricing.SolveHolding(p,
            i => top - (long)Math.Round(Math.Clamp(1 - placedShare[i], 0, 1) * unit),
            c => top - ((long)Math.Round(value.GetValueOrDefault((c.Newcomer, c.Offer)) * unit) + (long)Math.Round(c.Score * Allocator.Scale / 10)));
    }
}
