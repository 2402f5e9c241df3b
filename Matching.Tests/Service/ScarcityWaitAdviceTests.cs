using Matching.Contracts;
using Matching.Model;
using Matching.Ranking;
using Matching.Scoring;
using Matching.Service;

namespace Matching.Tests.Service;

/// <summary>
/// The wait advice of the scarcity suggestions: six recent newcomers in Gent who all fit the offers there best price
/// their few places near V + their score; a newcomer who fits those places less well is told to wait a week, unless a
/// place is worth its price to them or nothing would be left to wait for.
/// </summary>
public class ScarcityWaitAdviceTests
{
    private ServiceFixture _f = null!;
    private ScarcityService _scarcity = null!;
    private SuggestionsService _service = null!;

    [SetUp]
    public void SetUp() => _f = new ServiceFixture();

    [TearDown]
    public void TearDown() => _f.Dispose();

    /// <summary>Stores the six recent newcomers and <paramref name="offers"/>, computes the prices.</summary>
    private ScarcityPrices Seed(params Offer[] offers)
    {
        _f.Startup.Import(Enumerable.Range(1, 6).Select(i => TestData.Newcomer($"nc-{i}")).ToList(), offers, "test");
        _scarcity = new ScarcityService(_f.Store, _f.Profiles);
        _service = new SuggestionsService(_f.Store, _f.Newcomers, _scarcity);
        return _scarcity.Recompute(new ScarcitySettings(), "analyst");
    }

    private static Offer Hot(string id) => TestData.Offer(id) with { Capacity = 1 };

    /// <summary>12 km north of Gent (within the 15 km limit), fond of music and hiking: the places in Gent fit them less well.</summary>
    private static NewcomerDocument Asker(DateOnly? trajectoryEnd = null) => DocumentMapper.ToDocument(TestData.Newcomer("asker") with
    {
        Location = new Location(TestData.North(TestData.Gent, 12), null),
        Interests = ["music", "hiking"],
        TrajectoryEnd = trajectoryEnd ?? TestData.Today.AddDays(180),
    });

    private static RankingOptions Scarce(double weight = 1, ReasonLanguage language = ReasonLanguage.Nl)
    {
        var document = WeightProfile.Default.ToDocument();
        document.Name = "scarce";
        document.ScarcityWeight = weight;
        return new RankingOptions { Profile = WeightProfile.Create(document, out var errors) ?? throw new InvalidOperationException(errors.ToString()), Language = language };
    }

    [Test]
    public void SuggestInline_EveryPlacePricedAboveItsWorth_AdvisesToWait_InDutchAndEnglish_ListUnchanged()
    {
        var prices = Seed(Hot("offer-hot"));

        var nl = _service.SuggestInline(Asker(), Scarce(), byScarcity: true).Value!;
        var en = _service.SuggestInline(Asker(), Scarce(language: ReasonLanguage.En), byScarcity: true).Value!;
        var plain = _service.SuggestInline(Asker(), Scarce()).Value!;

        var hot = nl.Suggestions.Single();
        (prices.Inputs.PlacementValue + hot.Score - hot.Scarcity!.Price).Should().BeNegative("the six recent newcomers fit the place better than the asker");
        nl.WaitAdvice.Should().BeEquivalentTo(new WaitAdvice(true, 1, 1 + hot.Scarcity.OrderingValue, 1,
            "Beter een week wachten: het enige passende project is nu meer gevraagd dan deze match waard is (1 vrije plaats voor naar "
            + "schatting 20 kandidaten de komende weken); volgende week komt er naar verwachting een betere kans."));
        en.WaitAdvice!.Sentence.Should().Be("Better to wait a week: the only fitting offer is in more demand now than this match is worth "
            + "(1 free place for an estimated 20 candidates in the coming weeks); a better chance is expected next week.");
        nl.Suggestions.Select(s => s.OfferId).Should().Equal(plain.Suggestions.Select(s => s.OfferId), "the advice hides no offer");
        nl.Suggestions.Single().Score.Should().Be(plain.Suggestions.Single().Score);
        plain.WaitAdvice.Should().BeNull("without scarcity=true there is no advice");
    }

    [Test]
    public void SuggestFor_TwoPricedOutOffers_SentenceCountsOffersAndPlaces_EveryOfferStillListed()
    {
        Seed(Hot("offer-hot-1"), Hot("offer-hot-2"));
        _f.Newcomers.Put("asker", Asker(), "test").Outcome.Should().Be(Outcome.Created);

        var result = _service.SuggestFor("asker", Scarce() with { Limit = 1 }, byScarcity: true).Value!;

        result.Suggestions.Should().ContainSingle("the limit is the caller's; the advice counts every feasible offer");
        result.WaitAdvice!.Advised.Should().BeTrue();
        result.WaitAdvice.OffersOpenNextWeek.Should().Be(2);
        result.WaitAdvice.Sentence.Should().Be("Beter een week wachten: alle 2 passende projecten zijn nu meer gevraagd dan deze match waard is "
            + "(samen 2 vrije plaatsen; het best passende heeft naar schatting 20 kandidaten de komende weken); volgende week komt er naar "
            + "verwachting een betere kans.");
        _service.SuggestFor("asker", Scarce(), byScarcity: true).Value!.Suggestions.Select(s => s.OfferId)
            .Should().BeEquivalentTo(["offer-hot-1", "offer-hot-2"]);
    }

    [Test]
    public void SuggestInline_OnePlaceWorthItsPrice_NotAdvised_TheMarginShown()
    {
        var prices = Seed(Hot("offer-hot"), TestData.Offer("offer-roomy") with { Capacity = 100, Location = new Location(TestData.North(TestData.Gent, 10), null) });
        prices.Offers.Single(p => p.OfferId == "offer-roomy").Price.Should().Be(0, "a hundred places are more than the future brings");

        var result = _service.SuggestInline(Asker(), Scarce(), byScarcity: true).Value!;

        result.Suggestions.Select(s => s.OfferId).Should().BeEquivalentTo(["offer-roomy", "offer-hot"]);
        var roomy = result.Suggestions.Single(s => s.OfferId == "offer-roomy");
        result.WaitAdvice.Should().BeEquivalentTo(new WaitAdvice(false, 1, 1 + roomy.Score, null, null), "the free roomy place is worth V + its score");
        result.Suggestions.Single(s => s.OfferId == "offer-hot").Reasons[^1].Should().StartWith("Veel gevraagd", "the priced offer still says why it moved");
    }

    [Test]
    public void SuggestInline_PricedOut_ButNothingFeasibleNextWeek_NotAdvised()
    {
        Seed(Hot("offer-hot"));
        // Wednesdays 14–17 give 3 hours a week: 40 hours need 94 days. 97 are left today, 90 a week from now.
        var asker = Asker(trajectoryEnd: TestData.Today.AddDays(96));

        var result = _service.SuggestInline(asker, Scarce(), byScarcity: true).Value!;

        result.Suggestions.Should().ContainSingle("the offer is feasible today");
        result.WaitAdvice!.BestValue.Should().BeNegative("the place is priced above its worth to the asker");
        result.WaitAdvice.Advised.Should().BeFalse("waiting would leave nothing to take");
        result.WaitAdvice.OffersOpenNextWeek.Should().Be(0);
        result.WaitAdvice.Sentence.Should().BeNull();
    }

    [Test]
    public void SuggestInline_ScarcityOff_WeightZero_OrNoPrices_NoAdvice()
    {
        _f.Startup.Import(Enumerable.Range(1, 6).Select(i => TestData.Newcomer($"nc-{i}")).ToList(), [Hot("offer-hot")], "test");
        var scarcity = new ScarcityService(_f.Store, _f.Profiles);
        var service = new SuggestionsService(_f.Store, _f.Newcomers, scarcity);

        service.SuggestInline(Asker(), Scarce(), byScarcity: true).Value!.WaitAdvice.Should().BeNull("no prices yet");
        scarcity.Recompute(new ScarcitySettings(), "analyst");
        service.SuggestInline(Asker(), Scarce(), byScarcity: true).Value!.WaitAdvice!.Advised.Should().BeTrue("the rule holds once prices exist");
        service.SuggestInline(Asker(), Scarce(), byScarcity: false).Value!.WaitAdvice.Should().BeNull();
        service.SuggestInline(Asker(), new RankingOptions(), byScarcity: true).Value!.WaitAdvice.Should().BeNull("the default profile's weight is 0: off");
    }

    [Test]
    public void SuggestInline_HalfTheWeight_PricesCountHalf_NotAdvised()
    {
        Seed(Hot("offer-hot"));
        _service.SuggestInline(Asker(), Scarce(weight: 1), byScarcity: true).Value!.WaitAdvice!.Advised.Should().BeTrue();

        var result = _service.SuggestInline(Asker(), Scarce(weight: 0.5), byScarcity: true).Value!;

        var hot = result.Suggestions.Single();
        result.WaitAdvice!.BestValue.Should().BeApproximately(1 + hot.Score - 0.5 * hot.Scarcity!.Price, 1e-12, "the advice weighs the price as the ordering does");
        result.WaitAdvice.BestValue.Should().BePositive();
        result.WaitAdvice.Advised.Should().BeFalse();
    }
}
