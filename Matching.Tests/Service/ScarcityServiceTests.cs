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
