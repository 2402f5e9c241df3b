using Matching.Model;
using Matching.Ranking;
using static Matching.Tests.TestData;

namespace Matching.Tests.Scoring;

public class ExplainerTests
{
    private static Offer FootballOffer() => Offer() with
    {
        Interests = ["football"],
        Languages = ["ar"],
        Location = new Location(North(Gent, 3.2), null),
        Schedule = WeeklySlots.Create([Slot(DayOfWeek.Tuesday, "19:00", "22:00")]),
    };

    [Test]
    public void Reasons_Dutch_NameConcreteFacts()
    {
        var engine = new MatchingEngine(Clock());
        engine.Upsert(FootballOffer());
        var reasons = engine.Suggest(Newcomer() with { DutchLevel = CefrLevel.A1 }).Suggestions.Single().Reasons;
        reasons.Should().HaveCountGreaterThanOrEqualTo(1).And.HaveCountLessThanOrEqualTo(4);
        reasons.Should().Contain("Woont op 3,2 km");
        reasons.Should().Contain("Deelt interesse: voetbal");
        reasons.Should().Contain("Samen beschikbaar: dinsdag 19:00–21:00");
        reasons.Should().HaveCount(4, "at most four reasons, the strongest contributions first");
    }

    [Test]
    public void Reasons_SharedLanguage_NamedWhenAmongTheStrongest()
    {
        var engine = new MatchingEngine(Clock());
        engine.Upsert(FootballOffer() with { Interests = ["music"], Location = new Location(North(Gent, 14), null) });
        var reasons = engine.Suggest(Newcomer() with { DutchLevel = CefrLevel.A1 }).Suggestions.Single().Reasons;
        reasons.Should().Contain("Spreekt ook Arabisch");
        reasons.Should().NotContain(r => r.StartsWith("Woont", StringComparison.Ordinal), "a weak criterion is not given as a reason");
    }

    [Test]
    public void Reasons_English_WhenAsked()
    {
        var engine = new MatchingEngine(Clock());
        engine.Upsert(FootballOffer());
        var reasons = engine.Suggest(Newcomer() with { DutchLevel = CefrLevel.A1 }, new RankingOptions { Language = ReasonLanguage.En }).Suggestions.Single().Reasons;
        reasons.Should().Contain("Lives 3.2 km away").And.Contain("Shares interest: football")
            .And.Contain("Both available: Tuesday 19:00–21:00");
    }

    [Test]
    public void Reasons_RelatedInterest_NamesTheDomain()
    {
        var engine = new MatchingEngine(Clock());
        engine.Upsert(Offer() with { Interests = ["swimming"] });
        var profile = Matching.Scoring.WeightProfile.Create(new() { Name = "i", Weights = new() { ["interests"] = 1 } }, out _)!;
        var s = engine.Suggest(Newcomer() with { Interests = ["football"] }, new RankingOptions { Profile = profile }).Suggestions.Single();
        s.Score.Should().Be(0.5);
        s.Reasons.Should().Equal("Verwante interesse: sport");
    }

    [Test]
    public void CommonTimes_SplitAtMidnight()
    {
        var a = WeeklySlots.Create([Slot(DayOfWeek.Monday, "22:00", "24:00"), Slot(DayOfWeek.Tuesday, "00:00", "01:00")]);
        Matching.Scoring.Explainer.CommonTimes(a, a, ReasonLanguage.Nl).Should().Equal("maandag 22:00–24:00", "dinsdag 00:00–01:00");
    }
}
