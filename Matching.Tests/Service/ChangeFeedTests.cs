using Dapper;
using Matching.Service;

namespace Matching.Tests.Service;

public class ChangeFeedTests
{
    [Test]
    public void SyncChanges_AfterAnotherInstancesWrites_UpdatesThisIndex_AndAppliesEachChangeOnce()
    {
        using var a = new ServiceFixture();
        var b = a.Another();
        a.Feed.SyncChanges(); // a's own start-up row (the default profile)
        b.SeedPair(capacity: 2);
        b.Accept();
        b.Offers.Put("offer-2", ServiceFixture.OfferDocument("offer-2"), "test");
        b.Offers.Delete("offer-2", "test");

        a.Store.Engine.GetOffer("offer-1").Should().BeNull();
        a.Feed.SyncChanges().Should().Be(7); // four of offers, three of the newcomer (stored, proposed, accepted)
        a.Store.Newcomers.Get("nc-1").Should().NotBeNull();

        a.Store.Engine.GetOffer("offer-1")!.Value.Held.Should().Be(1);
        a.Store.Engine.GetOffer("offer-2").Should().BeNull();
        a.Feed.SyncChanges().Should().Be(0);
    }

    [Test]
    public void SyncChanges_OwnRowsAndAnotherInstancesRows_SkipsOwn_AppliesTheOthers()
    {
        using var a = new ServiceFixture();
        var b = a.Another();
        a.Feed.SyncChanges();
        b.Feed.SyncChanges();
        var imports = new ImportsService(a.Store, a.Newcomers, a.Offers);
        var mapper = a.Store.Mapper;
        imports.Offers([mapper.ToOffer("offer-a1", ServiceFixture.OfferDocument("offer-a1"), out _)!, mapper.ToOffer("offer-a2", ServiceFixture.OfferDocument("offer-a2"), out _)!], [1, 2], "test")
            .Outcome.Should().Be(Outcome.Ok);
        b.Offers.Put("offer-b", ServiceFixture.OfferDocument("offer-b"), "test");
        // A change behind both instances' backs (no feed row): only an offer reloaded by the feed shows it, so an
        // instance that re-applied its own rows would show it for its own offers too.
        a.Database.Write((c, t) => c.Execute("UPDATE offers SET capacity = 5, document = replace(document, '\"capacity\":2', '\"capacity\":5')", transaction: t));

        a.Feed.SyncChanges().Should().Be(1);
        b.Feed.SyncChanges().Should().Be(2);

        a.Store.Engine.GetOffer("offer-a1")!.Value.Offer.Capacity.Should().Be(2, "a's own import is not re-applied from the feed");
        a.Store.Engine.GetOffer("offer-b")!.Value.Offer.Capacity.Should().Be(5, "b's write is applied by reloading the offer");
        b.Store.Engine.GetOffer("offer-b")!.Value.Offer.Capacity.Should().Be(2);
        b.Store.Engine.GetOffer("offer-a1")!.Value.Offer.Capacity.Should().Be(5);
        b.Store.Engine.GetOffer("offer-a2")!.Value.Offer.Capacity.Should().Be(5);
        a.Feed.SyncChanges().Should().Be(0);
        b.Feed.SyncChanges().Should().Be(0);
    }

    [Test]
    public void SyncChanges_OwnWrites_ChangeNothing()
    {
        using var f = new ServiceFixture();
        f.SeedPair();

        f.Feed.SyncChanges();

        f.Store.Engine.GetOffer("offer-1")!.Value.Held.Should().Be(0);
        f.Offers.Get("offer-1")!.PlacesFree.Should().Be(2);
    }

    [Test]
    public void PruneChanges_RowsOlderThanTheAge_Deleted_NewerKept()
    {
        using var f = new ServiceFixture();
        f.Offers.Put("offer-1", ServiceFixture.OfferDocument(), "test");
        f.Clock.Advance(TimeSpan.FromDays(2));
        f.Offers.Put("offer-2", ServiceFixture.OfferDocument("offer-2"), "test");

        f.Feed.PruneChanges(TimeSpan.FromDays(1)).Should().BeGreaterThan(0);

        f.Database.Read(c => c.Query<string>("SELECT subject_id FROM changes").ToList()).Should().Equal("offer-2");
        f.Feed.PruneChanges(TimeSpan.FromDays(1)).Should().Be(0);
    }
}
