using Matching.Scoring;
using Matching.Service;

namespace Matching.Tests.Service;

public class ServiceStartupTests
{
    [Test]
    public void Start_EmptyDatabase_StoresTheDefaultProfile_LoadsTheIndex_AndIsEmpty()
    {
        using var f = new ServiceFixture();

        f.Store.IndexLoaded.Should().BeTrue();
        f.Profiles.Get(WeightProfile.Default.Name).Should().NotBeNull();
        f.Startup.IsEmpty().Should().BeTrue();
    }

    [Test]
    public void Import_ThenStartAnotherInstance_IndexHoldsTheOffersWithTheirPlaces()
    {
        using var f = new ServiceFixture();
        f.Startup.Import([TestData.Newcomer("nc-1"), TestData.Newcomer("nc-2")], [TestData.Offer("offer-1"), TestData.Offer("offer-2")], "seed");
        f.Accept("nc-1", "offer-1");

        var other = f.Another();

        other.Store.Engine.OfferCount.Should().Be(2);
        other.Store.Engine.GetOffer("offer-1")!.Value.Held.Should().Be(1);
        other.Startup.IsEmpty().Should().BeFalse();
        f.Audit.Read(100).Should().Contain(e => e.Action == "import" && e.Detail == "newcomers=2 offers=2");
    }

    [Test]
    public void Import_CapacityBelowHeldPlaces_FailsTheWholeBatch()
    {
        using var f = new ServiceFixture();
        f.SeedPair(capacity: 2);
        f.Newcomers.Put("nc-2", ServiceFixture.NewcomerDocument("nc-2"), "test");
        f.Accept("nc-1");
        f.Accept("nc-2");

        var act = () => f.Startup.Import([TestData.Newcomer("nc-3")], [TestData.Offer("offer-1") with { Capacity = 1 }], "seed");

        act.Should().Throw<System.Data.Common.DbException>();
        f.Newcomers.Get("nc-3").Should().BeNull();
        f.Offers.Get("offer-1")!.Offer.Capacity.Should().Be(2);
    }
}
