using Matching.Data;
using Matching.Model;
using static Matching.Tests.TestData;

namespace Matching.Tests.Demo;

public class GroundTruthModelTests
{
    private static HiddenTraits Hidden(bool transport = true, bool care = false, double motivation = 0) => new("nc-1", transport, care, motivation);

    private static GroundTruthTerms Terms(Newcomer n, Offer o, HiddenTraits? h = null) => GroundTruthModel.Terms(n, h ?? Hidden(), o, Today);

    private static Offer OfferAt(double km) => Offer() with { Location = new Location(North(Gent, km), null) };

    [TestCase(0, false, -2.5)]
    [TestCase(1, false, -2.5)]
    [TestCase(0, true, -0.8)]
    [TestCase(2, false, -0.8)]
    [TestCase(3, true, -0.8)]
    public void Terms_TenKilometres_CostMostAtA0A1WithoutTransport(int level, bool transport, double expected) =>
        Terms(Newcomer() with { DutchLevel = CefrLevel.FromOrdinal(level) }, OfferAt(10), Hidden(transport)).Distance
            .Should().BeApproximately(expected, 1e-9);

    [Test]
    public void Terms_RemoteOffer_DistanceCostsNothing() =>
        Terms(Newcomer() with { DutchLevel = CefrLevel.A0 }, OfferAt(80) with { Remote = true }, Hidden(transport: false)).Distance.Should().Be(0);

    [TestCase(0, 1.2)]
    [TestCase(1, 1.2)]
    [TestCase(2, 0.5)]
    [TestCase(3, 0)]
    [TestCase(6, 0)]
    public void Terms_SharedLanguage_HelpsAtLowLevels(int level, double expected) =>
        Terms(Newcomer() with { DutchLevel = CefrLevel.FromOrdinal(level), Languages = ["ar", "en"] }, Offer() with { Languages = ["EN"] }, null).SharedLanguage
            .Should().Be(expected);

    [Test]
    public void Terms_NoSharedLanguage_NoBonus() =>
        Terms(Newcomer() with { DutchLevel = CefrLevel.A0, Languages = ["ar"] }, Offer() with { Languages = ["en"] }).SharedLanguage.Should().Be(0);

    [TestCase(0, 0)]
    [TestCase(1, 0.7)]
    [TestCase(2, 1.05)]
    [TestCase(3, 1.225)]
    public void Terms_SharedInterests_SaturateTowardsTheMaximum(int shared, double expected)
    {
        string[] codes = ["football", "cooking", "cycling"];
        var terms = Terms(Newcomer() with { Interests = [.. codes.Take(shared), "chess"] }, Offer() with { Interests = [.. codes] });
        terms.Interests.Should().BeApproximately(expected, 1e-12);
    }

    [Test]
    public void Terms_InterestInTheSameDomainOnly_CountsNothing() =>
        // The truth counts exact codes only; the engine's partial credit through the taxonomy is its own guess.
        Terms(Newcomer() with { Interests = ["football"] }, Offer() with { Interests = ["cycling"] }).Interests.Should().Be(0);

    [Test]
    public void Terms_Slack_IsLogOfCommonTimeOverNeededTime()
    {
        // 60 common minutes a week over 280 days = 16,800 = 40 h × 420: exactly enough, ln 1 = 0.
        var n = Newcomer() with { Availability = WeeklySlots.Create([Slot(DayOfWeek.Wednesday, "14:00", "15:00")]), TrajectoryEnd = Today.AddDays(400) };
        var o = Offer() with { StartsOn = Today, EndsOn = Today.AddDays(279), Hours = 40 };
        Terms(n, o).Slack.Should().BeApproximately(0, 1e-12);
        Terms(n, o with { Hours = 20 }).Slack.Should().BeApproximately(0.8 * Math.Log(2), 1e-12);
        Terms(n, o with { Hours = 1 }).Slack.Should().BeApproximately(0.8 * 1.5, 1e-12, "slack saturates at ln r = 1.5");
        Terms(n, o with { Schedule = WeeklySlots.Create([Slot(DayOfWeek.Monday, "09:00", "10:00")]) }).Slack.Should().Be(-1.6, "no common time is the floor");
    }

    [Test]
    public void Terms_CareDuties_CostMostWithAnEveningAndWeekendSchedule()
    {
        var evenings = Offer() with { Schedule = WeeklySlots.Create([Slot(DayOfWeek.Tuesday, "18:00", "21:00"), Slot(DayOfWeek.Saturday, "10:00", "13:00")]) };
        var daytime = Offer() with { Schedule = WeeklySlots.Create([Slot(DayOfWeek.Tuesday, "13:00", "21:00")]) };
        Terms(Newcomer(), evenings, Hidden(care: true)).CareDuties.Should().BeApproximately(-1.5, 1e-12);
        Terms(Newcomer(), daytime, Hidden(care: true)).CareDuties.Should().BeApproximately(-0.3, 1e-12);
        Terms(Newcomer(), evenings, Hidden(care: false)).CareDuties.Should().Be(0);
    }

    [TestCase(OfferKind.LanguageInternship, 0, 2, 4, -3.0)] // A0 two below A2
    [TestCase(OfferKind.LanguageInternship, 1, 2, 4, -1.5)]
    [TestCase(OfferKind.LanguageInternship, 3, 2, 4, 0)]
    [TestCase(OfferKind.LanguageInternship, 6, 1, 3, -2.1)] // C2 three above a B1 taalstage
    [TestCase(OfferKind.Buddy, 6, 1, 3, 0)] // only a taalstage loses its point above its range
    public void Terms_Level_BelowMinimumOrFarAboveATaalstage_IsNegative(OfferKind kind, int level, int min, int max, double expected) =>
        Terms(Newcomer() with { DutchLevel = CefrLevel.FromOrdinal(level) },
            Offer() with { Kind = kind, DutchLevel = new LevelRange(CefrLevel.FromOrdinal(min), CefrLevel.FromOrdinal(max)) }).Level
            .Should().BeApproximately(expected, 1e-12);

    [Test]
    public void Terms_Goals_TheBestGoalCounts()
    {
        var company = Offer() with { Kind = OfferKind.IntroductoryInternship, Setting = OfferSetting.Company };
        var buddy = Offer() with { Kind = OfferKind.Buddy, Setting = OfferSetting.Organisation };
        Terms(Newcomer() with { Goals = [Goal.Work] }, company).Goal.Should().Be(1.0);
        Terms(Newcomer() with { Goals = [Goal.Work] }, buddy).Goal.Should().Be(-0.4);
        Terms(Newcomer() with { Goals = [Goal.Work, Goal.Network] }, buddy).Goal.Should().Be(0.6);
        Terms(Newcomer() with { Goals = [] }, buddy).Goal.Should().Be(0);
    }

    [Test]
    public void Terms_SumToTheLogit()
    {
        var t = Terms(Newcomer(), Offer(), Hidden(transport: false, care: true, motivation: 0.25));
        t.Logit.Should().BeApproximately(t.Intercept + t.Distance + t.SharedLanguage + t.Interests + t.Slack + t.CareDuties + t.Level + t.Goal + t.Motivation, 1e-12);
        t.Intercept.Should().Be(GroundTruthModel.Intercept);
        t.Motivation.Should().Be(0.25);
    }

    [Test]
    public void Terms_TraitsOfAnotherNewcomer_Throw() =>
        FluentActions.Invoking(() => GroundTruthModel.Terms(Newcomer("nc-1"), new HiddenTraits("nc-2", true, false, 0), Offer(), Today))
            .Should().Throw<ArgumentException>();

    [Test]
    public void CompletionProbability_CloserIsLikelierAllElseEqual()
    {
        var n = Newcomer() with { DutchLevel = CefrLevel.A1 };
        var p = new[] { 0.0, 2, 5, 10, 20 }.Select(km => GroundTruthModel.CompletionProbability(n, Hidden(transport: false), OfferAt(km), Today)).ToList();
        p.Should().BeInDescendingOrder().And.OnlyHaveUniqueItems();
        p.Should().OnlyContain(x => x > 0 && x < 1);
    }

    [TestCase(-4.0)]
    [TestCase(-1.0)]
    [TestCase(0.0)]
    [TestCase(0.7)]
    [TestCase(3.0)]
    public void CompletionProbability_ApproximatesTheNoiseAverageWithin001(double logit)
    {
        // E[sigmoid(logit + ε)], ε ~ N(0, σ²), by the trapezoid rule over ±8σ: what the generator's draws average to.
        const int steps = 4000;
        var sd = GroundTruthModel.NoiseSd;
        var sum = 0.0;
        var weight = 0.0;
        for (var i = 0; i <= steps; i++)
        {
            var z = -8 + 16.0 * i / steps;
            var w = Math.Exp(-z * z / 2) * (i == 0 || i == steps ? 0.5 : 1);
            sum += w * GroundTruthModel.Sigmoid(logit + sd * z);
            weight += w;
        }
        var scaled = GroundTruthModel.Sigmoid(logit / Math.Sqrt(1 + Math.PI * sd * sd / 8));
        (sum / weight).Should().BeApproximately(scaled, 0.01);
    }
}
