namespace Matching.Harness.Simulation;

/// <summary>A share of the hindsight optimum over seeds: mean, standard deviation, lowest and highest.</summary>
internal sealed record Spread(double Mean, double Sd, double Min, double Max)
{
    /// <summary>The spread of the values (sample standard deviation; 0 for one value).</summary>
    public static Spread Of(IReadOnlyCollection<double> values)
    {
        var mean = values.Average();
        var sd = values.Count < 2 ? 0 : Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
        return new Spread(mean, sd, values.Min(), values.Max());
    }
}

/// <summary>One policy over all seeds.</summary>
/// <param name="Policy">The policy.</param>
/// <param name="Placed">Placed as a share of the hindsight optimum's placed, per seed.</param>
/// <param name="Score">Total score as a share of the hindsight optimum's total score, per seed.</param>
/// <param name="MeanPlaced">Mean newcomers placed.</param>
/// <param name="MeanScore">Mean total score.</param>
/// <param name="DecisionMs">Wall time per weekly decision in ms (pricing included), over all weeks of all seeds.</param>
/// <param name="DecisionMsP95">Its 95th percentile.</param>
/// <param name="PrefixPlaced">Per prefix of the year, placed among its arrivals as a share of that prefix's optimum.</param>
/// <param name="PrefixScore">The same for the total score.</param>
internal sealed record PolicySummary(Policy Policy, Spread Placed, Spread Score, double MeanPlaced, double MeanScore,
    Spread DecisionMs, double DecisionMsP95, Spread[] PrefixPlaced, Spread[] PrefixScore);

/// <summary>One group's placements under every policy, pooled over seeds.</summary>
/// <param name="Dimension">dutchLevel, province or gender.</param>
/// <param name="Group">The group.</param>
/// <param name="Arrivals">Its arrivals over all seeds.</param>
/// <param name="PlacedRate">Per policy (hindsight included), the share of the group's arrivals placed.</param>
internal sealed record GroupSummary(string Dimension, string Group, int Arrivals, IReadOnlyDictionary<Policy, double> PlacedRate);

/// <summary>The simulation over all seeds.</summary>
/// <param name="Options">The options (seed = the first seed).</param>
/// <param name="Seeds">The seeds run.</param>
/// <param name="MeanArrivals">Mean arrivals per year.</param>
/// <param name="MeanPlaces">Mean yearly places.</param>
/// <param name="MeanFeasible">Mean feasible offers per newcomer.</param>
/// <param name="Policies">Per policy (hindsight last).</param>
/// <param name="PrefixWeeks">The prefix ends, in weeks.</param>
/// <param name="Groups">Per dimension and group.</param>
internal sealed record SimulationSummary(SimulationOptions Options, IReadOnlyList<int> Seeds, double MeanArrivals, double MeanPlaces,
    double MeanFeasible, IReadOnlyList<PolicySummary> Policies, IReadOnlyList<int> PrefixWeeks, IReadOnlyList<GroupSummary> Groups)
{
    /// <summary>The policies in the order of the issue, the yardstick last.</summary>
    public static readonly Policy[] Order = [Policy.Greedy, Policy.MyopicBatch, Policy.PricedBatch, Policy.DiscordBatch, Policy.SaaBatch, Policy.PricedArrival, Policy.PricedArrivalWait, Policy.Hindsight];

    /// <summary>The policies run, in the order of <see cref="Order"/>.</summary>
    public Policy[] Run => Policies.Select(p => p.Policy).ToArray();

    /// <summary>The summary of one policy.</summary>
    public PolicySummary Of(Policy p) => Policies.Single(x => x.Policy == p);

    /// <summary>The summary of one policy, or null when it was not run.</summary>
    public PolicySummary? Find(Policy p) => Policies.SingleOrDefault(x => x.Policy == p);

    /// <summary>Summarises the seeds' runs.</summary>
    public static SimulationSummary Of(SimulationOptions options, IReadOnlyList<SeedRun> runs)
    {
        var prefixWeeks = runs[0].PrefixOptimum.Select(p => p.Weeks).ToArray();
        var order = Order.Where(runs[0].Runs.ContainsKey).ToArray();
        var policies = order.Select(policy =>
        {
            var placed = runs.Select(r => r.Runs[policy].Placed / (double)Math.Max(1, r.Runs[Policy.Hindsight].Placed)).ToArray();
            var score = runs.Select(r => r.Runs[policy].Score / Math.Max(1e-9, r.Runs[Policy.Hindsight].Score)).ToArray();
            var times = runs.SelectMany(r => r.Runs[policy].DecisionMs).Order().ToArray();
            var prefixPlaced = new Spread[prefixWeeks.Length];
            var prefixScore = new Spread[prefixWeeks.Length];
            for (var k = 0; k < prefixWeeks.Length; k++)
            {
                var shares = runs.Select(r => PrefixOf(r, policy, k)).ToArray();
                prefixPlaced[k] = Spread.Of(shares.Select(s => s.Placed).ToArray());
                prefixScore[k] = Spread.Of(shares.Select(s => s.Score).ToArray());
            }
            return new PolicySummary(policy, Spread.Of(placed), Spread.Of(score), runs.Average(r => r.Runs[policy].Placed), runs.Average(r => r.Runs[policy].Score),
                times.Length == 0 ? new Spread(0, 0, 0, 0) : Spread.Of(times), times.Length == 0 ? 0 : times[(int)Math.Min(times.Length - 1, Math.Ceiling(0.95 * times.Length) - 1)],
                prefixPlaced, prefixScore);
        }).ToArray();

        var groups = new List<GroupSummary>();
        for (var d = 0; d < SimulationWorld.Dimensions.Length; d++)
        {
            var arrivals = new SortedDictionary<string, int>(StringComparer.Ordinal);
            var placed = order.ToDictionary(p => p, _ => new Dictionary<string, int>(StringComparer.Ordinal));
            foreach (var r in runs)
            {
                for (var i = 0; i < r.World.Year.Count; i++)
                {
                    var g = r.World.Year[i].Groups[d];
                    arrivals[g] = arrivals.GetValueOrDefault(g) + 1;
                    foreach (var p in order) if (r.Runs[p].OfferOf[i] >= 0) placed[p][g] = placed[p].GetValueOrDefault(g) + 1;
                }
            }
            foreach (var (g, count) in arrivals)
            {
                groups.Add(new GroupSummary(SimulationWorld.Dimensions[d], g, count, order.ToDictionary(p => p, p => placed[p].GetValueOrDefault(g) / (double)count)));
            }
        }
        return new SimulationSummary(options, runs.Select(r => r.Seed).ToArray(), runs.Average(r => r.World.Year.Count), runs.Average(r => r.World.Places.Sum()),
            runs.Average(r => r.World.Year.Count == 0 ? 0 : r.World.Year.Average(a => a.Offers.Length)), policies, prefixWeeks, groups);
    }

    private static (double Placed, double Score) PrefixOf(SeedRun r, Policy policy, int k)
    {
        var (weeks, optPlaced, optScore) = r.PrefixOptimum[k];
        var offerOf = r.Runs[policy].OfferOf;
        var placed = 0;
        var score = 0.0;
        for (var i = 0; i < offerOf.Length; i++)
        {
            var a = r.World.Year[i];
            if (a.Week >= weeks || offerOf[i] < 0) continue;
            placed++;
            score += a.Scores[Array.IndexOf(a.Offers, offerOf[i])];
        }
        return (placed / (double)Math.Max(1, optPlaced), score / Math.Max(1e-9, optScore));
    }
}
