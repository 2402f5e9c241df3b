using System.Text.Json;
using Matching.Allocation;
using Matching.Harness.Cli;
using Matching.Harness.Simulation;
using Matching.Tests.Allocation;

namespace Matching.Tests.Harness.Simulation;

public class SimulatorTests
{
    /// <summary>A small year: a few hundred arrivals over a few dozen offers, quick on two cores.</summary>
    private static SimulationOptions Small(int seed) => new()
    {
        Seed = seed, Arrivals = 240, Offers = 80, Weeks = 12, WindowWeeks = 4, Samples = 2, DiscordSamples = 3,
    };

    private static readonly Lazy<SeedRun> SmallRun = new(() => Simulator.Run(Small(3)));


    [Test]
    public void Hindsight_TinyYears_EqualsBruteForce()
    {
        var checkedYears = 0;
        for (var seed = 1; seed <= 40 && checkedYears < 8; seed++)
        {
            // Tiny years, small enough to try every assignment.
            var world = SimulationWorld.Create(new SimulationOptions { Seed = seed, Arrivals = 9, Offers = 14, Weeks = 3, WindowWeeks = 1, MaxPlaces = 2 });
            var problem = SimulationWorld.Problem(world.Year, world.Places);
            var branches = world.Year.Aggregate(1.0, (x, a) => x * (a.Offers.Length + 1));
            if (world.Year.Count == 0 || branches > 2e6 || problem.Candidates.Count == 0) continue;
            var hindsight = Simulator.Hindsight(world);
            var best = AllocationChecks.BruteForce(problem);
            hindsight.Placed.Should().Be(best.Placed, $"seed {seed}");
            hindsight.Score.Should().BeApproximately(best.Score, 1e-6, $"seed {seed}");
            checkedYears++;
        }
        checkedYears.Should().BeGreaterThan(3, "enough tiny years have candidates to compare");
    }

    [Test]
    public void Run_EveryPolicy_RespectsYearlyPlacesAndFeasibility_AndNoneBeatsHindsightOnPlaced()
    {
        var run = SmallRun.Value;
        var world = run.World;
        world.Year.Sum(a => a.Offers.Length).Should().BePositive("the small year has feasible pairs");
        foreach (var (policy, r) in run.Runs)
        {
            var used = new int[world.Places.Length];
            for (var i = 0; i < r.OfferOf.Length; i++)
            {
                if (r.OfferOf[i] < 0) continue;
                world.Year[i].Offers.Should().Contain(r.OfferOf[i], $"{policy} assigns only feasible offers");
                used[r.OfferOf[i]]++;
            }
            for (var j = 0; j < used.Length; j++) used[j].Should().BeLessThanOrEqualTo(world.Places[j], $"{policy} never overbooks offer {j}");
            r.Placed.Should().Be(r.OfferOf.Count(o => o >= 0));
            r.Placed.Should().BeLessThanOrEqualTo(run.Runs[Policy.Hindsight].Placed, $"{policy} cannot place more than the optimum");
            if (policy != Policy.Hindsight) r.DecisionMs.Should().HaveCount(world.Options.Weeks);
        }
    }

    [Test]
    public void Run_KnownWeeks_PricedPoliciesUseTheRegisteredIntakes_AndStayWithinPlaces()
    {
        var known = Simulator.Run(Small(3) with
        {
            KnownWeeks = 4,
            Policies = new HashSet<Policy> { Policy.PricedBatch, Policy.PricedArrival, Policy.PricedArrivalWait, Policy.SaaBatch },
        });
        var world = known.World;
        foreach (var (policy, r) in known.Runs)
        {
            var used = new int[world.Places.Length];
            foreach (var j in r.OfferOf.Where(o => o >= 0)) used[j]++;
            used.Zip(world.Places).Should().OnlyContain(u => u.First <= u.Second, $"{policy} never overbooks");
            r.Placed.Should().BeLessThanOrEqualTo(known.Runs[Policy.Hindsight].Placed);
            if (policy == Policy.Hindsight) continue;
            r.OfferOf.Should().NotEqual(SmallRun.Value.Runs[policy].OfferOf, $"knowing the next four weeks' arrivals changes {policy}'s prices and so its allocation");
        }
    }

    [Test]
    public void Run_RepricedWithinTheWeek_OnArrivalPoliciesStayWithinPlaces_AndTheirPricesMove()
    {
        var options = Small(3) with { RepricePerWeek = 4, Policies = new HashSet<Policy> { Policy.PricedArrival, Policy.PricedArrivalWait } };
        var repriced = Simulator.Run(options);
        var world = repriced.World;
        foreach (var policy in new[] { Policy.PricedArrival, Policy.PricedArrivalWait })
        {
            var r = repriced.Runs[policy];
            var used = new int[world.Places.Length];
            foreach (var j in r.OfferOf.Where(o => o >= 0)) used[j]++;
            used.Zip(world.Places).Should().OnlyContain(u => u.First <= u.Second, $"{policy} never overbooks");
            r.OfferOf.Should().Equal(Simulator.Run(options).Runs[policy].OfferOf, $"{policy} repriced is deterministic by seed");
            r.OfferOf.Should().NotEqual(SmallRun.Value.Runs[policy].OfferOf, $"prices computed four times a week change {policy}'s allocation");
        }
    }

    [Test]
    public void Run_SameSeed_SameAllocations()
    {
        var again = Simulator.Run(Small(3));
        foreach (var (policy, r) in SmallRun.Value.Runs)
        {
            again.Runs[policy].OfferOf.Should().Equal(r.OfferOf, $"{policy} is deterministic by seed");
        }
        again.PrefixOptimum.Should().Equal(SmallRun.Value.PrefixOptimum);
    }

    [Test]
    public void Create_SeasonalRate_SumsToTheArrivals_AndPeaksInSeptember()
    {
        var world = SimulationWorld.Create(new SimulationOptions { Seed = 2, Arrivals = 520, Offers = 10 });
        world.ExpectedPerWeek.Sum().Should().BeApproximately(520, 1e-6);
        Array.IndexOf(world.ExpectedPerWeek, world.ExpectedPerWeek.Max()).Should().Be(SimulationOptions.PeakWeek);
        world.Places.Should().OnlyContain(p => p >= 1 && p <= 3);
        world.Year.Select(a => a.Week).Should().BeInAscendingOrder();
    }

    [Test]
    public void Summary_SharesOfHindsight_AreOneForHindsight_AndGroupsCoverEveryArrival()
    {
        var summary = SimulationSummary.Of(SmallRun.Value.World.Options, [SmallRun.Value]);
        summary.Of(Policy.Hindsight).Placed.Mean.Should().Be(1);
        summary.Of(Policy.Hindsight).Score.Mean.Should().BeApproximately(1, 1e-12);
        foreach (var dimension in SimulationWorld.Dimensions)
        {
            summary.Groups.Where(g => g.Dimension == dimension).Sum(g => g.Arrivals).Should().Be(SmallRun.Value.World.Year.Count);
        }
        summary.PrefixWeeks.Should().Equal(4, 8, 12);
    }

    [Test]
    public void Simulate_TinyVerb_WritesTheReport_AndJson()
    {
        var dir = Path.Combine(Path.GetTempPath(), "matching-tests", "simulate-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var output = new StringWriter();
            using var error = new StringWriter();
            var code = HarnessCli.Run(["simulate", "--seeds", "2", "--arrivals", "120", "--offers", "40", "--weeks", "8", "--window", "2",
                "--samples", "1", "--discord-samples", "1", "--out", dir, "--json", "--quiet"], output, error);
            code.Should().Be(0, error.ToString());
            using var json = JsonDocument.Parse(output.ToString());
            json.RootElement.GetProperty("policies").GetArrayLength().Should().Be(SimulationSummary.Order.Length);
            foreach (var file in new[] { SimulationReport.MarkdownFile, SimulationReport.PrefixChart, SimulationReport.GroupChart, SimulationReport.JsonFile })
            {
                File.Exists(Path.Combine(dir, file)).Should().BeTrue(file);
            }
            File.ReadAllText(Path.Combine(dir, SimulationReport.MarkdownFile)).Should().Contain("simulate --seeds 2").And.Contain("hindsight optimum");
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void Simulate_BadUsage_ExitCodeTwo_AndHelpNamesTheFlags()
    {
        static (int Code, string Out, string Err) Run(params string[] args)
        {
            using var output = new StringWriter();
            using var error = new StringWriter();
            return (HarnessCli.Run(args, output, error), output.ToString(), error.ToString());
        }
        Run("simulate", "--places", "3-1").Code.Should().Be(2);
        Run("simulate", "--forecast", "crystal-ball").Code.Should().Be(2);
        Run("simulate", "--history", "x.jsonl").Err.Should().Contain("Unknown flag '--history'");
        var (code, help, _) = Run("simulate", "--help");
        code.Should().Be(0);
        help.Should().Contain("--seeds").And.Contain("--window").And.Contain("--placement-value").And.Contain("hindsight");
    }
}
