using System.Diagnostics;
using Matching.Allocation;

namespace Matching.Harness.Simulation;

/// <summary>The ways of allocating over the year that the simulation compares.</summary>
internal enum Policy
{
    /// <summary>On arrival, each newcomer takes the best feasible offer with a free place: first come, first served.</summary>
    Greedy,
    /// <summary>Each week, the optimal allocation of that week's newcomers over the free places.</summary>
    MyopicBatch,
    /// <summary>Each week, the batch maximising Σ(V + score − price), prices from k sampled futures (Ahani et al.).</summary>
    PricedBatch,
    /// <summary>On arrival, the feasible free offer of the highest score − price, prices refreshed weekly.</summary>
    PricedArrival,
    /// <summary>Each week, the batch allocation agreeing most with the optimum of the batch and each of k sampled futures (Bansak and Paulson).</summary>
    DiscordBatch,
    /// <summary>Each week, the batch of a two-stage stochastic program: one LP with the batch shared by k sampled futures (<see cref="ScenarioAllocation"/>).</summary>
    SaaBatch,
    /// <summary>As <see cref="PricedArrival"/>, but a newcomer whose every free feasible place is priced above their fit waits a week and asks again.</summary>
    PricedArrivalWait,
    /// <summary>The yardstick: one optimal allocation of the whole year with every arrival known.</summary>
    Hindsight,
}

/// <summary>What one policy did in one simulated year.</summary>
/// <param name="Policy">The policy.</param>
/// <param name="OfferOf">Per arrival of the year (in order), the offer's index or −1.</param>
/// <param name="Placed">Newcomers placed.</param>
/// <param name="Score">Total score of the placed pairs.</param>
/// <param name="DecisionMs">Wall time of each weekly decision (pricing included), in ms; empty for hindsight.</param>
internal sealed record PolicyRun(Policy Policy, int[] OfferOf, int Placed, double Score, double[] DecisionMs);

/// <summary>One simulated year: every policy's run and the optimum of every prefix of the year.</summary>
/// <param name="Seed">The seed.</param>
/// <param name="World">The year.</param>
/// <param name="Runs">Per policy, what it did.</param>
/// <param name="PrefixOptimum">Per prefix end week (4, 8, …, the year's end): the optimum's placed and score on the arrivals before it.</param>
internal sealed record SeedRun(int Seed, SimulationWorld World, IReadOnlyDictionary<Policy, PolicyRun> Runs, IReadOnlyList<(int Weeks, int Placed, double Score)> PrefixOptimum);

/// <summary>Runs the policies and the hindsight optimum over one simulated year. Deterministic by the options' seed.</summary>
internal static class Simulator
{
    /// <summary>Prefixes of the year are compared every this many weeks.</summary>
    public const int PrefixStep = 4;

    /// <summary>Simulates one year with every policy.</summary>
    public static SeedRun Run(SimulationOptions options)
    {
        var world = SimulationWorld.Create(options);
        var runs = new Dictionary<Policy, PolicyRun> { [Policy.Hindsight] = Hindsight(world) };
        foreach (var policy in SimulationSummary.Order)
        {
            if (policy == Policy.Hindsight || (options.Policies is { } only && !only.Contains(policy))) continue;
            runs[policy] = policy switch
            {
                Policy.Greedy => Greedy(world),
                Policy.MyopicBatch => MyopicBatch(world),
                Policy.PricedBatch => PricedBatch(world),
                Policy.PricedArrival => PricedArrival(world),
                Policy.DiscordBatch => DiscordBatch(world),
                Policy.SaaBatch => SaaBatch(world),
                _ => PricedArrivalWait(world),
            };
        }
        var prefixes = new List<(int, int, double)>();
        for (var w = PrefixStep; w <= options.Weeks; w += PrefixStep) prefixes.Add(PrefixOptimum(world, w));
        if (options.Weeks % PrefixStep != 0) prefixes.Add(PrefixOptimum(world, options.Weeks));
        return new SeedRun(options.Seed, world, runs, prefixes);
    }

    /// <summary>The optimum (placed first, then total score) of the whole year.</summary>
    public static PolicyRun Hindsight(SimulationWorld world)
    {
        var problem = SimulationWorld.Problem(world.Year, world.Places);
        var s = Allocator.Solve(problem, AllocationMode.Optimal);
        return new PolicyRun(Policy.Hindsight, s.OfferOf, s.Placed, s.TotalScore, []);
    }

    private static (int, int, double) PrefixOptimum(SimulationWorld world, int weeks)
    {
        var arrivals = world.Year.Where(a => a.Week < weeks).ToArray();
        var s = Allocator.Solve(SimulationWorld.Problem(arrivals, world.Places), AllocationMode.Optimal);
        return (weeks, s.Placed, s.TotalScore);
    }

    /// <summary>Policy 1: on arrival, the best feasible offer with a free place.</summary>
    public static PolicyRun Greedy(SimulationWorld world) =>
        OnArrival(world, Policy.Greedy, (_, _, _) => null);

    /// <summary>Policy 4: on arrival, the highest score − price among the feasible offers with a free place; prices each week.</summary>
    public static PolicyRun PricedArrival(SimulationWorld world) =>
        OnArrival(world, Policy.PricedArrival, (week, passed, left) => ArrivalPrices(world, week, passed, left));

    /// <summary>
    /// The prices of the on-arrival policies (4, 4b) at a decision <paramref name="passed"/> of the way into
    /// <paramref name="week"/> (--reprice-per-week), from the places left then.
    /// </summary>
    private static double[] ArrivalPrices(SimulationWorld world, int week, double passed, int[] left)
    {
        if (world.Options.Forecast == ForecastKind.Oracle) return OraclePrices(world, week, left, null);
        var pricing = PricingOf(world, week);
        if (passed > 0) pricing = pricing with { Seed = unchecked(pricing.Seed * 31 + (int)(passed * 1_000)) };
        return PlacePricing.Estimate(world.Future(week, week + world.Options.KnownWeeks, left, world.Options.KnownWeeks == 0 ? passed : 0), pricing, Known(world, week, left));
    }

    /// <summary>Policy 2: each week, the optimal allocation of its newcomers.</summary>
    public static PolicyRun MyopicBatch(SimulationWorld world) =>
        Weekly(world, Policy.MyopicBatch, (_, batch) => Allocator.Solve(batch, AllocationMode.Optimal));

    /// <summary>Policy 3: each week, the batch at prices from sampled futures.</summary>
    public static PolicyRun PricedBatch(SimulationWorld world) =>
        Weekly(world, Policy.PricedBatch, (week, batch) =>
        {
            if (world.Options.Forecast == ForecastKind.Oracle)
            {
                return PlacePricing.SolvePriced(batch, OraclePrices(world, week + 1, batch.Capacities, world.Options.PriceWithBatch ? batch : null), world.Options.PlacementValue);
            }
            // With --known-weeks L, the next L weeks' actual arrivals (and, with --batch-in-lp, the batch) are known rows.
            var known = !world.Options.PriceWithBatch ? Known(world, week + 1, batch.Capacities)
                : world.Options.KnownWeeks == 0 ? batch : Known(world, week, batch.Capacities, world.Options.KnownWeeks + 1);
            var prices = PlacePricing.Estimate(world.Future(week, week + 1 + world.Options.KnownWeeks, batch.Capacities), PricingOf(world, week), known);
            return PlacePricing.SolvePriced(batch, prices, world.Options.PlacementValue);
        });

    /// <summary>Policy 3b: each week, the minimum-discord batch over sampled futures.</summary>
    public static PolicyRun DiscordBatch(SimulationWorld world) =>
        Weekly(world, Policy.DiscordBatch, (week, batch) =>
        {
            return MinimumDiscord.Solve(batch, world.Future(week, week + 1, batch.Capacities), PricingOf(world, week) with { Samples = world.Options.DiscordSamples });
        });

    /// <summary>
    /// Policy 3c: each week, the batch of the two-stage stochastic program over k sampled futures (or, with the oracle
    /// forecast, the actual rest of the year as the one future).
    /// </summary>
    public static PolicyRun SaaBatch(SimulationWorld world) =>
        Weekly(world, Policy.SaaBatch, (week, batch) =>
        {
            if (world.Options.Forecast == ForecastKind.Oracle)
            {
                var rest = SimulationWorld.Problem(world.Year.Where(a => a.Week > week).ToArray(), batch.Capacities);
                return ScenarioAllocation.Solve(batch, [new Scenario(rest, Enumerable.Repeat(1.0, rest.NewcomerCount).ToArray())], world.Options.SaaPlacementValue).Solution;
            }
            // With --known-weeks L, the next L weeks' actual arrivals are known (registered intakes) and the rest sampled.
            var lookahead = world.Options.KnownWeeks;
            var known = Known(world, week + 1, batch.Capacities);
            var decision = ScenarioAllocation.Solve(batch, world.Future(week, week + 1 + lookahead, batch.Capacities),
                PricingOf(world, week) with { Samples = Math.Max(1, world.Options.SaaSamples) }, world.Options.SaaPlacementValue, expected: world.Options.SaaSamples == 0, known: known);
            return decision.Solution;
        });

    /// <summary>
    /// Policy 4b: as policy 4, but when every free feasible place is worth less than its price (V + score − price &lt; 0,
    /// the priced batch's rule for holding), the case worker advises to wait: the newcomer asks again the next Monday,
    /// among the offers feasible on their arrival that are still feasible then, until none is left to wait for (no offer of
    /// theirs still feasible the Monday after, the year's last week, or --max-wait weeks). Their score stays the one of
    /// their arrival (the yardstick's). A price never hides an offer: the advice is a sentence beside the list.
    /// </summary>
    public static PolicyRun PricedArrivalWait(SimulationWorld world)
    {
        var options = world.Options;
        var left = world.Places.ToArray();
        var offerOf = new int[world.Year.Count];
        Array.Fill(offerOf, -1);
        var times = new double[options.Weeks];
        var placed = 0;
        var score = 0.0;
        var waiting = new List<(int Index, int Since)>();
        var first = 0;
        for (var week = 0; week < options.Weeks; week++)
        {
            var clock = Stopwatch.StartNew();
            var prices = ArrivalPrices(world, week, 0, left.ToArray());
            // Those who waited ask first (they came earlier), then this week's arrivals in order.
            var asking = waiting.Select(w => (w.Index, w.Since)).ToList();
            for (var k = 0; k < world.ByWeek[week].Length; k++) asking.Add((first + k, week));
            first += world.ByWeek[week].Length;
            waiting.Clear();
            for (var k = 0; k < asking.Count; k++)
            {
                var (index, since) = asking[k];
                if (RepriceBefore(world, k, asking.Count) is { } passed) prices = ArrivalPrices(world, week, passed, left.ToArray());
                var a = world.Year[index];
                var now = since == week ? null : world.FeasibleOn(a, week);
                var best = -1;
                var bestScore = 0.0;
                var bestValue = double.NegativeInfinity;
                for (var c = 0; c < a.Offers.Length; c++)
                {
                    var j = a.Offers[c];
                    if (left[j] <= 0 || (now is not null && !now.Contains(j))) continue;
                    var value = a.Scores[c] - prices[j];
                    if (value > bestValue) { best = j; bestValue = value; bestScore = a.Scores[c]; }
                }
                if (best < 0) continue;
                var pricedOut = options.PlacementValue + bestValue < 0;
                if (pricedOut && week + 1 < options.Weeks && week - since < options.MaxWaitWeeks && world.FeasibleOn(a, week + 1).Overlaps(a.Offers))
                {
                    waiting.Add((index, since));
                    continue;
                }
                left[best]--;
                offerOf[index] = best;
                placed++;
                score += bestScore;
            }
            times[week] = clock.Elapsed.TotalMilliseconds;
        }
        return new PolicyRun(Policy.PricedArrivalWait, offerOf, placed, score, times);
    }

    /// <summary>
    /// For a diagnosis of registered intakes (--known-weeks L): the actual arrivals of <paramref name="weeks"/> weeks
    /// (default L) from <paramref name="from"/> on, each with the offers feasible on their own arrival, as known rows of
    /// every sampled future; the future is then sampled only after them. Null when there are none.
    /// </summary>
    private static AllocationProblem? Known(SimulationWorld world, int from, IReadOnlyList<int> free, int? weeks = null)
    {
        var span = weeks ?? world.Options.KnownWeeks;
        if (span <= 0) return null;
        var arrivals = world.Year.Where(a => a.Week >= from && a.Week < from + span).ToArray();
        return arrivals.Length == 0 ? null : SimulationWorld.Problem(arrivals, free);
    }

    private static PricingOptions PricingOf(SimulationWorld world, int week) => new()
    {
        Samples = world.Options.Samples,
        PlacementValue = world.Options.PlacementValue,
        Seed = unchecked(world.Options.Seed * 1_000 + week),
    };

    /// <summary>A diagnosis, not a policy: the duals of the actual rest of the year (perfect foresight of the arrivals).</summary>
    private static double[] OraclePrices(SimulationWorld world, int fromWeek, IReadOnlyList<int> free, AllocationProblem? batch)
    {
        var rows = new List<(double Count, List<(int Offer, double Score)> Pairs)>();
        if (batch is not null)
        {
            var byNewcomer = new List<(int, double)>[batch.NewcomerCount];
            for (var i = 0; i < byNewcomer.Length; i++) byNewcomer[i] = [];
            foreach (var c in batch.Candidates) byNewcomer[c.Newcomer].Add((c.Offer, c.Score));
            rows.AddRange(byNewcomer.Select(r => (1.0, r)));
        }
        foreach (var a in world.Year.Where(a => a.Week >= fromWeek)) rows.Add((1.0, a.Offers.Zip(a.Scores).ToList()));
        return PlacePricing.Duals(rows, free, world.Options.PlacementValue);
    }

    private static AllocationProblem WithFree(AllocationProblem p, IReadOnlyList<int> free) => p with { Capacities = free };

    /// <summary>
    /// With --reprice-per-week R, the share of the week gone before the <paramref name="k"/>-th of
    /// <paramref name="count"/> decisions when it starts one of the week's R parts (not the first), else null.
    /// </summary>
    private static double? RepriceBefore(SimulationWorld world, int k, int count)
    {
        var parts = world.Options.RepricePerWeek;
        if (parts <= 1 || k == 0) return null;
        var part = (long)k * parts / count;
        return part != (long)(k - 1) * parts / count ? (double)part / parts : null;
    }

    private static PolicyRun OnArrival(SimulationWorld world, Policy policy, Func<int, double, int[], double[]?> pricesAt)
    {
        var left = world.Places.ToArray();
        var offerOf = new int[world.Year.Count];
        Array.Fill(offerOf, -1);
        var times = new double[world.Options.Weeks];
        var placed = 0;
        var score = 0.0;
        var i = 0;
        for (var week = 0; week < world.Options.Weeks; week++)
        {
            var clock = Stopwatch.StartNew();
            var arrivals = world.ByWeek[week];
            var prices = pricesAt(week, 0, left.ToArray());
            for (var k = 0; k < arrivals.Length; k++)
            {
                var a = arrivals[k];
                if (RepriceBefore(world, k, arrivals.Length) is { } passed) prices = pricesAt(week, passed, left.ToArray());
                var best = -1;
                var bestValue = double.NegativeInfinity;
                for (var c = 0; c < a.Offers.Length; c++)
                {
                    var j = a.Offers[c];
                    if (left[j] <= 0) continue;
                    // Offers come best first (ties by id), so the first of equal value wins: greedy's order exactly.
                    var value = a.Scores[c] - (prices?[j] ?? 0);
                    if (value > bestValue) { best = j; bestValue = value; if (prices is null) break; }
                }
                if (best >= 0)
                {
                    left[best]--;
                    offerOf[i] = best;
                    placed++;
                    score += a.Scores[Array.IndexOf(a.Offers, best)];
                }
                i++;
            }
            times[week] = clock.Elapsed.TotalMilliseconds;
        }
        return new PolicyRun(policy, offerOf, placed, score, times);
    }

    private static PolicyRun Weekly(SimulationWorld world, Policy policy, Func<int, AllocationProblem, AllocationSolution> solve)
    {
        var left = world.Places.ToArray();
        var offerOf = new int[world.Year.Count];
        Array.Fill(offerOf, -1);
        var times = new double[world.Options.Weeks];
        var placed = 0;
        var score = 0.0;
        var first = 0;
        for (var week = 0; week < world.Options.Weeks; week++)
        {
            var batch = world.ByWeek[week];
            var clock = Stopwatch.StartNew();
            var solution = solve(week, SimulationWorld.Problem(batch, left.ToArray()));
            times[week] = clock.Elapsed.TotalMilliseconds;
            for (var k = 0; k < batch.Length; k++)
            {
                var j = solution.OfferOf[k];
                if (j < 0) continue;
                if (left[j] <= 0) throw new InvalidOperationException($"{policy} overbooked offer {j} in week {week}.");
                left[j]--;
                offerOf[first + k] = j;
                placed++;
                score += batch[k].Scores[Array.IndexOf(batch[k].Offers, j)];
            }
            first += batch.Length;
        }
        return new PolicyRun(policy, offerOf, placed, score, times);
    }
}
