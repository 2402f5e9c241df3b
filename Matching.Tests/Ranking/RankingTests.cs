using Matching.Model;
using Matching.Ranking;
using Matching.Scoring;
using static Matching.Tests.TestData;

namespace Matching.Tests.Ranking;

public class RankingTests
{
    [Test]
    public void Suggest_ContributionsSumToScore_AndScoreInUnitRange()
    {
        var engine = new MatchingEngine(Clock());
        for (var i = 0; i < 30; i++) engine.Upsert(Offer($"o-{i:D2}") with { Location = new Location(North(Gent, i * 0.4), null), Interests = i % 2 == 0 ? ["football"] : ["music"] });
        var r = engine.Suggest(Newcomer(), new RankingOptions { Limit = 30 });
        r.Suggestions.Should().HaveCount(30);
        foreach (var s in r.Suggestions)
        {
            s.Criteria.Select(c => c.Name).Should().Equal("language", "interests", "distance", "availability", "bridgingLanguage", "goals");
            s.Criteria.Sum(c => c.Contribution).Should().BeApproximately(s.Score, 1e-12);
            s.Criteria.Sum(c => c.Weight).Should().BeApproximately(1, 1e-12);
            s.Criteria.Should().OnlyContain(c => c.Score >= 0 && c.Score <= 1 && Math.Abs(c.Contribution - c.Score * c.Weight) < 1e-15);
            s.Score.Should().BeInRange(0, 1);
        }
        r.Suggestions.Select(s => s.Score).Should().BeInDescendingOrder();
        r.Suggestions.Select(s => s.Rank).Should().Equal(Enumerable.Range(1, 30));
    }

    [Test]
    public void Suggest_EqualScores_BreakTiesByOfferId()
    {
        var engine = new MatchingEngine(Clock());
        foreach (var id in new[] { "zeta", "alpha", "mid", "beta" }) engine.Upsert(Offer(id));
        engine.Suggest(Newcomer(), new RankingOptions { Limit = 3 }).Suggestions.Select(s => s.OfferId).Should().Equal("alpha", "beta", "mid");
    }

    [Test]
    public void Suggest_SameInputInAnyInsertOrder_SameAnswer()
    {
        var data = new Matching.Data.DemoDataGenerator(new Matching.Data.DemoDataOptions { Seed = 7, Offers = 400, Newcomers = 20, Today = Today }).Generate();
        var a = new MatchingEngine(Clock());
        var b = new MatchingEngine(Clock());
        foreach (var o in data.Offers) a.Upsert(o);
        foreach (var o in data.Offers.Reverse()) b.Upsert(o);
        foreach (var n in data.Newcomers)
        {
            var ra = a.Suggest(n, new RankingOptions { Limit = 15 });
            var rb = b.Suggest(n, new RankingOptions { Limit = 15 });
            rb.Should().BeEquivalentTo(ra, o => o.WithStrictOrdering());
        }
    }

    [Test]
    public void Suggest_Limit_ReturnsTheBestK()
    {
        var engine = new MatchingEngine(Clock());
        for (var i = 0; i < 50; i++) engine.Upsert(Offer($"o-{i:D2}") with { Location = new Location(North(Gent, i * 0.25), null) });
        var all = engine.Suggest(Newcomer(), new RankingOptions { Limit = 50 }).Suggestions;
        var top5 = engine.Suggest(Newcomer(), new RankingOptions { Limit = 5 }).Suggestions;
        top5.Select(s => s.OfferId).Should().Equal(all.Take(5).Select(s => s.OfferId));
    }

    [Test]
    public void Suggest_ProfileChangesRanking()
    {
        var engine = new MatchingEngine(Clock());
        engine.Upsert(Offer("near-music") with { Interests = ["music"], Location = new Location(North(Gent, 0.5), null) });
        engine.Upsert(Offer("far-football") with { Interests = ["football"], Location = new Location(North(Gent, 14), null) });
        var byDistance = WeightProfile.Create(new WeightProfileDocument { Name = "d", Weights = new() { ["distance"] = 1 } }, out _)!;
        var byInterest = WeightProfile.Create(new WeightProfileDocument { Name = "i", Weights = new() { ["interests"] = 1 } }, out _)!;
        engine.Suggest(Newcomer(), new RankingOptions { Profile = byDistance }).Suggestions[0].OfferId.Should().Be("near-music");
        var r = engine.Suggest(Newcomer(), new RankingOptions { Profile = byInterest });
        r.Suggestions[0].OfferId.Should().Be("far-football");
        r.Profile.Should().Be(new ProfileRef("i", 1));
    }

    [Test]
    public void Candidates_RanksNewcomersForOneOffer_WithTheSameScores()
    {
        var engine = new MatchingEngine(Clock());
        engine.Upsert(Offer());
        var near = Newcomer("near");
        var far = Newcomer("far") with { Location = new Location(North(Gent, 9), null) };
        var tooFar = Newcomer("too-far") with { Location = new Location(North(Gent, 30), null) };
        var r = engine.Candidates("offer-1", [tooFar, far, near])!;
        r.Candidates.Select(c => c.NewcomerId).Should().Equal("near", "far");
        r.Excluded.ByReason.Should().Equal(new Dictionary<string, int> { ["distance"] = 1 });
        r.Candidates[0].Score.Should().Be(engine.Suggest(near).Suggestions[0].Score);
        engine.Candidates("nope", [near]).Should().BeNull();
    }

    [Test]
    public void Evaluate_ExcludedPair_SaysWhy()
    {
        var engine = new MatchingEngine(Clock());
        engine.Upsert(Offer(), held: 2);
        var e = engine.Evaluate(Newcomer(), "offer-1", language: ReasonLanguage.En)!;
        e.Excluded.Should().Be("capacity");
        e.Reasons.Should().Equal("No place is free.");
    }

    [Test]
    public void Evaluate_WithoutReasons_SameScoreAndCriteria_NoSentences()
    {
        var engine = new MatchingEngine(Clock());
        engine.Upsert(Offer() with { Interests = ["football"] });
        engine.Upsert(Offer("full"), held: 2);
        var full = engine.Evaluate(Newcomer(), "offer-1")!;
        var bare = engine.Evaluate(Newcomer(), "offer-1", WeightProfile.Default, withReasons: false)!;
        full.Reasons.Should().NotBeEmpty();
        bare.Reasons.Should().BeEmpty();
        bare.Score.Should().Be(full.Score).And.BeGreaterThan(0);
        bare.Criteria.Should().Equal(full.Criteria);
        var excluded = engine.Evaluate(Newcomer(), "full", withReasons: false)!;
        excluded.Excluded.Should().Be("capacity");
        excluded.Reasons.Should().BeEmpty();
    }

    [TestCase(1, 10, ReasonLanguage.Nl)]
    [TestCase(2, 37, ReasonLanguage.En)]
    [TestCase(3, RankingOptions.MaxLimit, ReasonLanguage.Nl)]
    public void Suggest_RandomData_ExplanationsEqualEvaluateForEveryWinner(int seed, int limit, ReasonLanguage language)
    {
        var data = new Matching.Data.DemoDataGenerator(new Matching.Data.DemoDataOptions { Seed = seed, Offers = 2000, Newcomers = 60, Today = Today }).Generate();
        var engine = new MatchingEngine(Clock());
        var rng = new Random(seed);
        engine.UpsertMany(data.Offers.Select(o => (o, rng.Next(0, o.Capacity + 1))));
        var profile = WeightProfile.Create(new WeightProfileDocument
        {
            Name = "random",
            Weights = Criteria.All.ToDictionary(Criteria.Name, _ => 0.1 + rng.NextDouble()),
            LevelTolerance = rng.Next(0, 2),
        }, out _)!;
        var winners = 0;
        foreach (var n in data.Newcomers)
        {
            var kinds = rng.NextDouble() < 0.3 ? new[] { (OfferKind)rng.Next(0, EnumCounts.OfferKinds) } : null;
            var r = engine.Suggest(n, new RankingOptions { Limit = limit, Profile = profile, Kinds = kinds, Language = language });
            foreach (var s in r.Suggestions)
            {
                var e = engine.Evaluate(n, s.OfferId, profile, language)!;
                e.Excluded.Should().BeNull($"{n.Id} × {s.OfferId}");
                s.Score.Should().Be(e.Score, $"{n.Id} × {s.OfferId}");
                s.Criteria.Should().Equal(e.Criteria, $"{n.Id} × {s.OfferId}");
                s.Reasons.Should().Equal(e.Reasons, $"{n.Id} × {s.OfferId}");
                winners++;
            }
        }
        winners.Should().BeGreaterThan(data.Newcomers.Count * Math.Min(limit, 10) / 2, "most newcomers must have winners to compare");
    }
}
