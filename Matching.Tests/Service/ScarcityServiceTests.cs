using Matching.Service;

namespace Matching.Tests.Service;

public class ScarcityServiceTests
{
    private readonly List<ServiceFixture> _fixtures = [];

    [TearDown]
    public void TearDown()
    {
        // The first fixture owns the file: the others go first.
        foreach (var f in Enumerable.Reverse(_fixtures)) f.Dispose();
        _fixtures.Clear();
    }

    private ServiceFixture Fixture()
    {
        var f = new ServiceFixture();
        _fixtures.Add(f);
        return f;
    }

    /// <summary>Six recent newcomers who all fit a one-place offer best and a roomy one 10 km away less well.</summary>
    private static void Seed(ServiceFixture f) =>
        f.Startup.Import(
            Enumerable.Range(1, 6).Select(i => TestData.Newcomer($"nc-{i}")).ToList(),
            [
                TestData.Offer("offer-hot") with { Capacity = 1 },
                TestData.Offer("offer-roomy") with { Capacity = 100, Location = new Matching.Model.Location(TestData.North(TestData.Gent, 10), null) },
            ],
            "test");

    [Test]
    public void Recompute_ContestedPlace_PricedAboveZero_RoomyOfferThatNeverFills_Zero()
    {
        var f = Fixture();
        Seed(f);
        var service = new ScarcityService(f.Store, f.Profiles);

        var prices = service.Recompute(new ScarcitySettings(), "analyst");

        prices.Inputs.RecentNewcomers.Should().Be(6);
        prices.Inputs.ExpectedArrivals.Should().BeApproximately(6 * 91 / 28.0, 1e-3);
        var hot = prices.Offers.Single(o => o.OfferId == "offer-hot");
        var roomy = prices.Offers.Single(o => o.OfferId == "offer-roomy");
        hot.Price.Should().BePositive("about twenty newcomers are expected for its one place");
        hot.PlacesFree.Should().Be(1);
        hot.ExpectedCandidates.Should().BeApproximately(6 * 91 / 28.0, 1e-3);
        roomy.Price.Should().Be(0, "a hundred places are more than the future brings");
        prices.Offers.Should().OnlyContain(o => o.Price >= 0);
        prices.Offers[0].OfferId.Should().Be("offer-hot", "the highest price comes first");
    }

    [Test]
    public void Current_NoneComputed_Null_ThenTheLatestStored()
    {
        var f = Fixture();
        Seed(f);
        var service = new ScarcityService(f.Store, f.Profiles);
        service.Current().Should().BeNull();

        service.Recompute(new ScarcitySettings(), "analyst");
        f.Clock.Advance(TimeSpan.FromMinutes(5));
        var latest = service.Recompute(new ScarcitySettings(), "scheduler");

        service.Current().Should().BeEquivalentTo(latest);
    }

    [Test]
    public void Current_TwoInstancesOnOneDatabase_ServeTheSamePrices()
    {
        var a = Fixture();
        Seed(a);
        var b = a.Another();
        _fixtures.Add(b);
        var computed = new ScarcityService(a.Store, a.Profiles).Recompute(new ScarcitySettings(), "analyst");

        new ScarcityService(b.Store, b.Profiles).Current().Should().BeEquivalentTo(computed, "prices are stored, not recomputed per instance");
    }

    [Test]
    public void Recompute_NewcomersOlderThanTheWindow_NotSampled_EveryPriceZero()
    {
        var f = Fixture();
        Seed(f);
        f.Clock.Advance(TimeSpan.FromDays(29));
        var prices = new ScarcityService(f.Store, f.Profiles).Recompute(new ScarcitySettings { WindowDays = 28 }, "analyst");

        prices.Inputs.RecentNewcomers.Should().Be(0);
        prices.Offers.Should().BeEmpty("no recent newcomer has a candidate");
    }

    private static Matching.Model.Newcomer Intake(string id, int startsInDays) =>
        TestData.Newcomer(id) with { TrajectoryStart = TestData.Today.AddDays(startsInDays), TrajectoryEnd = TestData.Today.AddDays(startsInDays + 365) };

    private static double PriceOf(ScarcityPrices prices, string offerId) => prices.Offers.SingleOrDefault(o => o.OfferId == offerId)?.Price ?? 0;

    [TestCase("sqlite")]
    [TestCase("postgres")]
    public void Recompute_KnownIntakesCompeteForAPlace_CountedAndStored_PriceRises(string provider)
    {
        using var postgres = provider == "postgres" ? new Matching.Tests.Api.PostgresDatabaseFixture() : null;
        using var f = postgres is null ? new ServiceFixture() : ServiceFixture.OnPostgres(postgres.ConnectionString);
        var hot = TestData.Offer("offer-hot") with { Capacity = 1, EndsOn = TestData.Today.AddDays(400) };
        var roomy = TestData.Offer("offer-roomy") with { Capacity = 100, EndsOn = TestData.Today.AddDays(400), Location = new Matching.Model.Location(TestData.North(TestData.Gent, 10), null) };
        // One newcomer registered long ago: outside the window, so no recent arrival is sampled.
        f.Startup.Import([TestData.Newcomer("nc-old")], [hot, roomy], "test");
        f.Clock.Advance(TimeSpan.FromDays(60));
        var service = new ScarcityService(f.Store, f.Profiles);
        var without = service.Recompute(new ScarcitySettings(), "analyst");

        f.Clock.Advance(TimeSpan.FromMinutes(1));
        // Three intakes registered now who reach the fourth pillar within the horizon, one after it.
        f.Startup.Import([Intake("nc-a", 60 + 14), Intake("nc-b", 60 + 30), Intake("nc-c", 60 + 90), Intake("nc-late", 60 + 92)], [], "test");
        var with = service.Recompute(new ScarcitySettings { HorizonDays = 91 }, "analyst");

        without.Inputs.KnownIntakes.Should().Be(0);
        PriceOf(without, "offer-hot").Should().Be(0, "nobody is expected for it");
        with.Inputs.KnownIntakes.Should().Be(3, "nc-late starts after the horizon");
        with.Inputs.RecentNewcomers.Should().Be(0, "registered today, but none has reached the fourth pillar yet");
        PriceOf(with, "offer-hot").Should().BePositive("three known intakes compete for its one place");
        PriceOf(with, "offer-roomy").Should().Be(0);
        with.Offers.Single(o => o.OfferId == "offer-hot").ExpectedCandidates.Should().Be(3);
        service.Current()!.Inputs.KnownIntakes.Should().Be(3, "the count is stored with the inputs");
    }

    [Test]
    public void Recompute_KnownIntakes_ReduceTheSampledArrivals_AndAreNoRecentArrivals()
    {
        var f = Fixture();
        Seed(f);
        f.Startup.Import([Intake("nc-a", 7), Intake("nc-b", 14)], [], "test");

        var prices = new ScarcityService(f.Store, f.Profiles).Recompute(new ScarcitySettings(), "analyst");

        prices.Inputs.RecentNewcomers.Should().Be(6, "the intakes were created in the window but start later");
        prices.Inputs.KnownIntakes.Should().Be(2);
        prices.Inputs.ExpectedArrivals.Should().BeApproximately(6 * 91 / 28.0 - 2, 1e-3, "they are part of the expected volume, known by name");
        prices.Offers.Single(o => o.OfferId == "offer-hot").ExpectedCandidates.Should().BeApproximately(6 * 91 / 28.0, 1e-3);
    }

    [Test]
    public void Recompute_KnownIntakeStartingAfterAnOfferCloses_NotItsCandidate()
    {
        var f = Fixture();
        f.Startup.Import([Intake("nc-a", 30), Intake("nc-b", 30)],
            [TestData.Offer("offer-closing") with { Capacity = 1, EndsOn = TestData.Today.AddDays(20) }, TestData.Offer("offer-open") with { Capacity = 1 }], "test");

        var prices = new ScarcityService(f.Store, f.Profiles).Recompute(new ScarcitySettings(), "analyst");

        prices.Inputs.KnownIntakes.Should().Be(2);
        prices.Offers.Select(o => o.OfferId).Should().Equal(["offer-open"], "their candidates are taken as of their start");
        PriceOf(prices, "offer-open").Should().BePositive();
    }

    [Test]
    public void Recompute_NewcomerRegisteredBeforeTheWindow_ReachingThePillarInIt_IsARecentArrival()
    {
        var f = Fixture();
        f.Startup.Import([Intake("nc-a", 35), TestData.Newcomer("nc-old")], [TestData.Offer("offer-1") with { EndsOn = TestData.Today.AddDays(400) }], "test");
        f.Clock.Advance(TimeSpan.FromDays(40));

        var prices = new ScarcityService(f.Store, f.Profiles).Recompute(new ScarcitySettings { WindowDays = 28 }, "analyst");

        prices.Inputs.RecentNewcomers.Should().Be(1, "nc-a was registered 40 days ago and started 5 days ago; nc-old arrived before the window");
        prices.Inputs.KnownIntakes.Should().Be(0);
    }

    [Test]
    public void Recompute_SameStoredState_SamePrices()
    {
        var f = Fixture();
        Seed(f);
        var service = new ScarcityService(f.Store, f.Profiles);
        var first = service.Recompute(new ScarcitySettings(), "analyst");
        var second = service.Recompute(new ScarcitySettings(), "analyst");

        second.Offers.Should().Equal(first.Offers);
    }
}

public class ScarcitySuggestionsTests
{
    private static Matching.Scoring.WeightProfile Scarce(double weight)
    {
        var document = Matching.Scoring.WeightProfile.Default.ToDocument();
        document.Name = "scarce";
        document.ScarcityWeight = weight;
        return Matching.Scoring.WeightProfile.Create(document, out var errors) ?? throw new InvalidOperationException(errors.ToString());
    }

    [Test]
    public void SuggestFor_Scarcity_OrdersByScoreMinusPrice_TheLineAddsUp_NothingHidden()
    {
        using var f = new ServiceFixture();
        f.Startup.Import(
            Enumerable.Range(1, 6).Select(i => TestData.Newcomer($"nc-{i}")).ToList(),
            [
                TestData.Offer("offer-hot") with { Capacity = 1 },
                TestData.Offer("offer-roomy") with { Capacity = 100, Location = new Matching.Model.Location(TestData.North(TestData.Gent, 10), null) },
            ],
            "test");
        var scarcity = new ScarcityService(f.Store, f.Profiles);
        scarcity.Recompute(new ScarcitySettings(), "analyst");
        var service = new SuggestionsService(f.Store, f.Newcomers, scarcity);
        var options = new Matching.Ranking.RankingOptions { Profile = Scarce(2), Limit = 10 };

        var plain = service.SuggestFor("nc-1", options).Value!.Suggestions;
        var priced = service.SuggestFor("nc-1", options, byScarcity: true).Value!.Suggestions;

        plain.Select(s => s.OfferId).Should().Equal("offer-hot", "offer-roomy");
        priced.Select(s => s.OfferId).Should().Equal(["offer-roomy", "offer-hot"], "the contested place moves down; nothing is hidden");
        priced.Select(s => s.Rank).Should().Equal(1, 2);
        foreach (var s in priced)
        {
            s.Score.Should().Be(plain.Single(p => p.OfferId == s.OfferId).Score, "the fit score stays as it is");
            (s.Criteria.Sum(c => c.Contribution) + s.Scarcity!.Adjustment).Should().BeApproximately(s.Scarcity.OrderingValue, 1e-9);
            s.Scarcity.Adjustment.Should().Be(-2 * s.Scarcity.Price);
        }
        var hot = priced.Single(s => s.OfferId == "offer-hot");
        hot.Scarcity!.Price.Should().BePositive();
        hot.Reasons[^1].Should().Be("Veel gevraagd: 1 vrije plaats voor naar schatting 20 kandidaten de komende weken.");
        priced.Single(s => s.OfferId == "offer-roomy").Reasons.Should().NotContain(r => r.StartsWith("Veel gevraagd", StringComparison.Ordinal));
        var english = service.SuggestFor("nc-1", options with { Language = Matching.Model.ReasonLanguage.En }, byScarcity: true).Value!.Suggestions;
        english.Single(s => s.OfferId == "offer-hot").Reasons[^1].Should().Be("In demand: 1 free place for an estimated 20 candidates in the coming weeks.");
    }

    [Test]
    public void SuggestFor_Scarcity_ProfileWeightZero_OrNoPrices_AsWithout()
    {
        using var f = new ServiceFixture();
        f.SeedPair(capacity: 1);
        var scarcity = new ScarcityService(f.Store, f.Profiles);
        var service = new SuggestionsService(f.Store, f.Newcomers, scarcity);
        var off = new Matching.Ranking.RankingOptions();
        var on = new Matching.Ranking.RankingOptions { Profile = Scarce(1) };

        service.SuggestFor("nc-1", on, byScarcity: true).Value!.Suggestions.Should().BeEquivalentTo(service.SuggestFor("nc-1", on).Value!.Suggestions, "no prices yet");
        scarcity.Recompute(new ScarcitySettings(), "analyst");
        var plain = service.SuggestFor("nc-1", off).Value!.Suggestions;
        service.SuggestFor("nc-1", off, byScarcity: true).Value!.Suggestions.Should().BeEquivalentTo(plain, "the default profile's weight is 0: off");
        plain.Should().OnlyContain(s => s.Scarcity == null);
    }
}
