using Matching.Allocation;
using Matching.Data;
using Matching.Model;
using Matching.Ranking;
using Matching.Scoring;
using Matching.Validation;
using static Matching.Tests.TestData;

namespace Matching.Tests.Allocation;

public class AllocationPlannerTests
{
    [TestCase(1, false)]
    [TestCase(12, false)]
    [TestCase(12, true)]
    public void BuildProblem_DemoCohort_EqualsThePlainConstruction(int k, bool offerViews)
    {
        var data = new DemoDataGenerator(new DemoDataOptions { Seed = 11, Offers = 1500, Newcomers = 300, Today = Today }).Generate();
        var engine = new MatchingEngine(Clock());
        // Every fifth offer states preferences, so the stable mode's views differ from the scores somewhere.
        var preferences = OfferPreferences.Create(new Dictionary<string, double> { ["distance"] = 1 }, "preferences.weights", new ValidationErrors())!;
        engine.UpsertMany(data.Offers.Select((o, i) => (i % 5 == 0 ? o with { Preferences = preferences } : o, i % 9 == 0 ? 1 : 0)));
        var cohort = data.Newcomers.OrderBy(n => n.Id, StringComparer.Ordinal).ToArray();

        var (problem, offers) = new AllocationPlanner(engine).BuildProblem(cohort, WeightProfile.Default, null, k, ignoreCapacity: false, offerViews);
        var (expected, expectedOffers) = Plain(engine, cohort, k, offerViews);

        offers.Select(o => o.Id).Should().Equal(expectedOffers.Select(o => o.Id));
        problem.NewcomerCount.Should().Be(expected.NewcomerCount);
        problem.Capacities.Should().Equal(expected.Capacities);
        problem.Candidates.Should().Equal(expected.Candidates);
        problem.Candidates.Count.Should().BeGreaterThan(cohort.Length * Math.Min(k, 3) / 2, "the cohort must have candidates to compare");
        if (offerViews) problem.Candidates.Should().Contain(c => c.OfferSideScore != c.Score, "some offers' own views must differ");
    }

    [Test]
    public void Plan_SmallDemoCohorts_OptimalEqualsBruteForceAndNoModeBeatsIt()
    {
        // Few offers with one place each and newcomers drawn from the same cities, so that they compete for places.
        var data = new DemoDataGenerator(new DemoDataOptions { Seed = 3, Offers = 120, Newcomers = 400, Today = Today }).Generate();
        var engine = new MatchingEngine(Clock());
        engine.UpsertMany(data.Offers.Select(o => (o with { Capacity = 1 }, 0)));
        var planner = new AllocationPlanner(engine);
        var rng = new Random(3);
        var contested = 0;
        for (var round = 0; round < 25; round++)
        {
            var cohort = data.Newcomers.OrderBy(_ => rng.Next()).Take(7).OrderBy(n => n.Id, StringComparer.Ordinal).ToArray();
            var (problem, _) = planner.BuildProblem(cohort, WeightProfile.Default, null, 3, ignoreCapacity: false);
            var best = AllocationChecks.BruteForce(problem);
            var optimal = planner.Plan(cohort, new AllocationRequest { CandidatesPerNewcomer = 3 });
            optimal.Placed.Should().Be(best.Placed, $"round {round}");
            optimal.TotalScore.Should().BeApproximately(best.Score, cohort.Length * 1e-6, $"round {round}");
            foreach (var mode in new[] { AllocationMode.Stable, AllocationMode.Greedy })
            {
                var other = planner.Plan(cohort, new AllocationRequest { Mode = mode, CandidatesPerNewcomer = 3 });
                (other.Placed < best.Placed || (other.Placed == best.Placed && other.TotalScore <= best.Score + 1e-9)).Should().BeTrue($"{mode} in round {round}");
            }
            if (problem.Candidates.GroupBy(c => c.Offer).Any(g => g.Count() > 1)) contested++;
        }
        contested.Should().BeGreaterThan(5, "the cohorts must compete for places somewhere");
    }

    /// <summary>The problem built the plain way: each newcomer's ranked list, offers numbered by id at first sight.</summary>
    [Test]
    public void Plan_Dynamic_HoldsByThePlacementValueTheRequestCarries()
    {
        var engine = new MatchingEngine(Clock());
        engine.Upsert(Offer() with { Capacity = 1 });
        var planner = new AllocationPlanner(engine);
        var newcomer = Newcomer();
        var score = engine.Evaluate(newcomer, "offer-1")!.Score;
        var request = new AllocationRequest { Mode = AllocationMode.Dynamic, Prices = new Dictionary<string, double> { ["offer-1"] = score + 0.5 } };

        var atOne = planner.Plan([newcomer], request);
        var atAFifth = planner.Plan([newcomer], request with { PlacementValue = 0.2 });

        atOne.Placed.Should().Be(1, "1 + score − price = 0.5: the place is worth its price");
        atAFifth.Placed.Should().Be(0, "0.2 + score − price = −0.3: the price job's V says the future needs the place more");
        atAFifth.Unassigned.Single().Reason.Should().Be("heldForLater");
    }

    private static (AllocationProblem Problem, List<Offer> Offers) Plain(MatchingEngine engine, Newcomer[] cohort, int k, bool offerViews)
    {
        var numberOf = new Dictionary<string, int>(StringComparer.Ordinal);
        var offers = new List<Offer>();
        var capacities = new List<int>();
        var pairs = new List<CandidatePair>();
        for (var i = 0; i < cohort.Length; i++)
        {
            foreach (var (score, offer, held) in engine.TopCandidates(cohort[i], WeightProfile.Default, null, k))
            {
                if (!numberOf.TryGetValue(offer.Id, out var j))
                {
                    j = numberOf[offer.Id] = offers.Count;
                    offers.Add(offer);
                    capacities.Add(Math.Max(0, offer.Capacity - held));
                }
                var view = score;
                if (offerViews && offer.Preferences is { } preferences)
                {
                    view = preferences.Score(engine.Evaluate(cohort[i], offer.Id)!.Criteria.Select(c => c.Score).ToArray());
                }
                pairs.Add(new CandidatePair(i, j, Math.Clamp(score, 0, 1), Math.Clamp(view, 0, 1)));
            }
        }
        return (new AllocationProblem(cohort.Length, capacities, pairs), offers);
    }
}
