using Matching.Model;
using Matching.Ranking;
using Matching.Scoring;
using static Matching.Tests.TestData;

namespace Matching.Tests.Ranking;

public class HardConstraintTests
{
    private static MatchingEngine Engine(params (Offer Offer, int Held)[] offers)
    {
        var engine = new MatchingEngine(Clock());
        foreach (var (offer, held) in offers) engine.Upsert(offer, held);
        return engine;
    }

    private static SuggestionResult Suggest(Newcomer n, Offer o, int held = 0, RankingOptions? options = null) =>
        Engine((o, held)).Suggest(n, options);

    private static void ShouldInclude(SuggestionResult r) => r.Suggestions.Should().ContainSingle().And.Subject.Single().OfferId.Should().Be("offer-1");

    private static void ShouldExclude(SuggestionResult r, string reason)
    {
        r.Suggestions.Should().BeEmpty();
        r.Excluded.ByReason.Should().Equal(new Dictionary<string, int> { [reason] = 1 });
        r.Excluded.Total.Should().Be(1);
    }

    [Test]
    public void Capacity_OnePlaceLeft_Included() => ShouldInclude(Suggest(Newcomer(), Offer() with { Capacity = 2 }, held: 1));

    [Test]
    public void Capacity_Full_Excluded() => ShouldExclude(Suggest(Newcomer(), Offer() with { Capacity = 2 }, held: 2), "capacity");

    [Test]
    public void DutchLevel_EqualToMinimum_Included() =>
        ShouldInclude(Suggest(Newcomer() with { DutchLevel = CefrLevel.A2 }, Offer() with { DutchLevel = new LevelRange(CefrLevel.A2, CefrLevel.B1) }));

    [Test]
    public void DutchLevel_OneBelowMinimum_Excluded() =>
        ShouldExclude(Suggest(Newcomer() with { DutchLevel = CefrLevel.A1 }, Offer() with { DutchLevel = new LevelRange(CefrLevel.A2, CefrLevel.B1) }), "dutchLevel");

    [Test]
    public void DutchLevel_OneBelowMinimumWithTolerance_IncludedWithLowerLanguageScore()
    {
        var tolerant = WeightProfile.Create(new WeightProfileDocument { Name = "tolerant", Weights = new() { ["language"] = 1 }, LevelTolerance = 1 }, out _)!;
        var r = Suggest(Newcomer() with { DutchLevel = CefrLevel.A1 }, Offer() with { DutchLevel = new LevelRange(CefrLevel.A2, CefrLevel.B1) },
            options: new RankingOptions { Profile = tolerant });
        ShouldInclude(r);
        r.Suggestions[0].Score.Should().Be(0.5);
    }

    [Test]
    public void Distance_ExactlyAtLimit_Included()
    {
        var offer = Offer() with { Location = new Location(North(Gent, 12), null) };
        var km = GeoPoint.DistanceKm(Gent, offer.Location.Point);
        km.Should().BeApproximately(12, 1e-6);
        ShouldInclude(Suggest(Newcomer() with { MaxTravelKm = km }, offer));
    }

    [Test]
    public void Distance_JustBeyondLimit_Excluded()
    {
        var offer = Offer() with { Location = new Location(North(Gent, 12), null) };
        var km = GeoPoint.DistanceKm(Gent, offer.Location.Point);
        ShouldExclude(Suggest(Newcomer() with { MaxTravelKm = km - 1e-9 }, offer), "distance");
    }

    [Test]
    public void Distance_RemoteOffer_IsExempt()
    {
        var offer = Offer() with { Location = new Location(North(Gent, 80), null), Remote = true };
        var r = Suggest(Newcomer() with { MaxTravelKm = 5 }, offer);
        ShouldInclude(r);
        r.Suggestions[0].Criteria.Single(c => c.Name == "distance").Score.Should().Be(1);
    }

    // 60 common minutes a week × 280 days = 16,800 = 40 h × 60 × 7: exactly enough.
    private static (Newcomer, Offer) SixtyMinutesAWeek(int days) =>
        (Newcomer() with
        {
            Availability = WeeklySlots.Create([Slot(DayOfWeek.Wednesday, "14:00", "15:00"), Slot(DayOfWeek.Friday, "09:00", "12:00")]),
            TrajectoryEnd = Today.AddDays(400),
        },
        Offer() with { StartsOn = Today, EndsOn = Today.AddDays(days - 1), Hours = 40 });

    [Test]
    public void Time_HoursExactlyCovered_Included()
    {
        var (n, o) = SixtyMinutesAWeek(280);
        var r = Suggest(n, o);
        ShouldInclude(r);
        r.Suggestions[0].Criteria.Single(c => c.Name == "availability").Score.Should().BeApproximately(0.6, 1e-12);
    }

    [Test]
    public void Time_OneDayShort_Excluded()
    {
        var (n, o) = SixtyMinutesAWeek(279);
        ShouldExclude(Suggest(n, o), "time");
    }

    [Test]
    public void Time_TrajectoryEndsFirst_CountsUntilTrajectoryEnd()
    {
        var (n, o) = SixtyMinutesAWeek(400);
        ShouldInclude(Suggest(n with { TrajectoryEnd = Today.AddDays(279) }, o));
        ShouldExclude(Suggest(n with { TrajectoryEnd = Today.AddDays(278) }, o), "time");
    }

    [Test]
    public void Time_RegisteredIntake_OfferClosingBeforeTheStart_Excluded_OneClosingAfter_Included()
    {
        var offer = Offer() with { EndsOn = Today.AddDays(60), Hours = 10 }; // 10 h at 3 h a week: 24 days suffice
        ShouldExclude(Suggest(Newcomer() with { TrajectoryStart = Today.AddDays(61) }, offer), "time");
        ShouldInclude(Suggest(Newcomer() with { TrajectoryStart = Today.AddDays(10) }, offer));
    }

    [Test]
    public void Time_RegisteredIntake_HoursCountFromTheStart()
    {
        // 60 minutes a week over the offer's 400 days: 280 days from the start are exactly enough, 279 are not.
        var (n, o) = SixtyMinutesAWeek(400);
        ShouldInclude(Suggest(n with { TrajectoryStart = Today.AddDays(120) }, o));
        ShouldExclude(Suggest(n with { TrajectoryStart = Today.AddDays(121) }, o), "time");
        ShouldInclude(Suggest(n with { TrajectoryStart = Today.AddDays(-30) }, o)); // a start in the past: from today
    }

    [Test]
    public void Time_OfferAlreadyEnded_Excluded() => ShouldExclude(Suggest(Newcomer(), Offer() with { EndsOn = Today.AddDays(-1) }), "time");

    [Test]
    public void Time_NoCommonSlot_Excluded() =>
        ShouldExclude(Suggest(Newcomer(), Offer() with { Schedule = WeeklySlots.Create([Slot(DayOfWeek.Monday, "09:00", "17:00")]) }), "time");

    [TestCase(1996, true)] // 30 in 2026
    [TestCase(1995, false)] // 31
    [TestCase(2008, true)] // 18
    [TestCase(2009, false)] // 17
    public void Age_AtRangeEnds(int birthYear, bool included)
    {
        var r = Suggest(Newcomer() with { BirthYear = birthYear }, Offer() with { AgeRange = new AgeRange(18, 30) });
        if (included) ShouldInclude(r); else ShouldExclude(r, "age");
    }

    [Test]
    public void Age_Unknown_NotExcluded() => ShouldInclude(Suggest(Newcomer() with { BirthYear = null }, Offer() with { AgeRange = new AgeRange(18, 30) }));

    [TestCase(Gender.Female, true)]
    [TestCase(Gender.Male, false)]
    [TestCase(Gender.Unspecified, true)]
    public void Gender_OfferForWomen(Gender gender, bool included)
    {
        var r = Suggest(Newcomer() with { Gender = gender }, Offer() with { Genders = [Gender.Female] });
        if (included) ShouldInclude(r); else ShouldExclude(r, "gender");
    }

    [Test]
    public void Kind_FilteredOut_Excluded() =>
        ShouldExclude(Suggest(Newcomer(), Offer(), options: new RankingOptions { Kinds = [OfferKind.Buddy] }), "kind");

    [Test]
    public void Excluded_CountsEachReasonOnce()
    {
        var engine = Engine(
            (Offer("a"), 0),
            (Offer("b") with { Capacity = 1 }, 1),
            (Offer("c") with { DutchLevel = new LevelRange(CefrLevel.B2, CefrLevel.C2) }, 0),
            (Offer("d") with { Location = new Location(North(Gent, 40), null) }, 0),
            (Offer("e") with { Location = new Location(North(Gent, 41), null) }, 0),
            (Offer("f") with { Schedule = WeeklySlots.Create([Slot(DayOfWeek.Sunday, "09:00", "10:00")]) }, 0));
        var r = engine.Suggest(Newcomer());
        r.Suggestions.Select(s => s.OfferId).Should().Equal("a");
        r.Excluded.Total.Should().Be(5);
        r.Excluded.ByReason.Should().Equal(new Dictionary<string, int> { ["capacity"] = 1, ["distance"] = 2, ["dutchLevel"] = 1, ["time"] = 1 });
    }
}
