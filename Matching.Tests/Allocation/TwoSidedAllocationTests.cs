using Matching.Allocation;
using Matching.Model;
using Matching.Ranking;
using Matching.Scoring;
using Matching.Validation;

namespace Matching.Tests.Allocation;

/// <summary>
/// An offer's own preferences over the criteria, on a real engine: the stable mode lets the offer keep the proposer
/// it prefers, so stable differs from greedy where the two sides disagree, and equals it where the offer states none.
/// </summary>
public class TwoSidedAllocationTests
{
    // nc-a shares the offer's interests but lives 8 km away; nc-b shares none and lives next door.
    private static readonly Newcomer Near = TestData.Newcomer("nc-b") with { Interests = ["football"] };
    private static readonly Newcomer FarButKeen = TestData.Newcomer("nc-a") with { Interests = ["care", "cooking"], Location = new Location(TestData.North(TestData.Gent, 8), "Gent") };

    [Test]
    public void Stable_OfferPrefersWhomTheNewcomersScoreLower_StableGivesThePlaceToTheOffersChoiceAndGreedyDoesNot()
    {
        var engine = Engine(TestData.Offer() with { Capacity = 1, Preferences = Preferences(("distance", 1)) });
        var scoreA = engine.Evaluate(FarButKeen, "offer-1")!.Score;
        var scoreB = engine.Evaluate(Near, "offer-1")!.Score;
        scoreA.Should().BeGreaterThan(scoreB, "the test needs the newcomers' side to favour nc-a");

        var greedy = Plan(engine, AllocationMode.Greedy);
        var stable = Plan(engine, AllocationMode.Stable);

        greedy.Assignments.Select(a => a.NewcomerId).Should().Equal("nc-a");
        stable.Assignments.Select(a => a.NewcomerId).Should().Equal(["nc-b"], "the offer prefers the newcomer next door and keeps her");
        stable.Assignments[0].Score.Should().Be(scoreB, "an assignment still reports the newcomer's score");
        stable.Unassigned.Should().ContainSingle(u => u.NewcomerId == "nc-a" && u.Reason == "feasibleOffersTaken");
    }

    [Test]
    public void Stable_OfferWithoutPreferences_SameAsGreedy()
    {
        var engine = Engine(TestData.Offer() with { Capacity = 1 });

        Plan(engine, AllocationMode.Stable).Assignments.Select(a => a.NewcomerId)
            .Should().Equal(Plan(engine, AllocationMode.Greedy).Assignments.Select(a => a.NewcomerId)).And.Equal("nc-a");
    }

    [Test]
    public void Stable_PreferencesAgreeingWithTheNewcomers_SameAsGreedy()
    {
        var engine = Engine(TestData.Offer() with { Capacity = 1, Preferences = Preferences(("interests", 1)) });

        Plan(engine, AllocationMode.Stable).Assignments.Select(a => a.NewcomerId).Should().Equal("nc-a");
    }

    [Test]
    public void Candidates_OfferStatesPreferences_OrderedByTheOffersViewAndScoresStayTheNewcomers()
    {
        var engine = Engine(TestData.Offer() with { Capacity = 1, Preferences = Preferences(("distance", 1)) });

        var result = engine.Candidates("offer-1", [FarButKeen, Near], new RankingOptions { Language = ReasonLanguage.Nl })!;

        result.Candidates.Select(c => c.NewcomerId).Should().Equal("nc-b", "nc-a");
        result.Candidates.Select(c => c.Score).Should().Equal(engine.Evaluate(Near, "offer-1")!.Score, engine.Evaluate(FarButKeen, "offer-1")!.Score);
        result.Candidates.Should().OnlyContain(c => c.OfferSide != null && Math.Abs(c.OfferSide.Criteria.Sum(x => x.Contribution) - c.OfferSide.Score) < 1e-12);
        result.Candidates[0].Reasons[0].Should().Be("Gerangschikt volgens de voorkeuren van dit aanbod: afstand 100 %.");
        Engine(TestData.Offer()).Candidates("offer-1", [FarButKeen, Near])!.Candidates.Select(c => c.NewcomerId).Should().Equal("nc-a", "nc-b");
    }

    [Test]
    public void OfferPreferences_Score_IsTheWeightedSumOfTheCriteriaWithWeightsSummingToOne()
    {
        var preferences = Preferences(("distance", 3), ("language", 1));

        preferences.Weight(Criterion.Distance).Should().Be(0.75);
        preferences.Weight(Criterion.Language).Should().Be(0.25);
        preferences.Weight(Criterion.Goals).Should().Be(0);
        preferences.Score([0.4, 1, 0.8, 1, 1, 1]).Should().BeApproximately(0.25 * 0.4 + 0.75 * 0.8, 1e-12);
        var breakdown = preferences.Breakdown([0.4, 1, 0.8, 1, 1, 1]);
        breakdown.Sum(c => c.Contribution).Should().BeApproximately(preferences.Score([0.4, 1, 0.8, 1, 1, 1]), 1e-12);
    }

    [Test]
    public void OfferPreferences_ReadBackFromTheirWireForm_TheSameWeights()
    {
        var preferences = Preferences(("distance", 1), ("interests", 2), ("goals", 4));

        var again = OfferPreferences.Create(preferences.ToWire(), "preferences.weights", new ValidationErrors())!;

        Criteria.All.Select(again.Weight).Should().Equal(Criteria.All.Select(preferences.Weight));
    }

    [TestCase("nearness", 1, "preferences.weights.nearness")]
    [TestCase("distance", -1, "preferences.weights.distance")]
    [TestCase("distance", 0, "preferences.weights")]
    [TestCase("distance", double.NaN, "preferences.weights.distance")]
    public void OfferPreferences_Invalid_NullAndTheFieldNamed(string name, double weight, string field)
    {
        var errors = new ValidationErrors();

        OfferPreferences.Create(new Dictionary<string, double> { [name] = weight }, "preferences.weights", errors).Should().BeNull();

        errors.ToDictionary().Keys.Should().Equal(field);
    }

    private static OfferPreferences Preferences(params (string Criterion, double Weight)[] weights)
    {
        var errors = new ValidationErrors();
        return OfferPreferences.Create(weights.ToDictionary(w => w.Criterion, w => w.Weight), "preferences.weights", errors)
            ?? throw new AssertionException(errors.ToString());
    }

    private static MatchingEngine Engine(Offer offer)
    {
        var engine = new MatchingEngine(TestData.Clock());
        engine.Upsert(offer);
        return engine;
    }

    private static AllocationPlan Plan(MatchingEngine engine, AllocationMode mode) =>
        new AllocationPlanner(engine).Plan([FarButKeen, Near], new AllocationRequest { Mode = mode });
}
