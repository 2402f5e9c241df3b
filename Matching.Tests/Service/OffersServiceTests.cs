using Matching.Model;
using Matching.Service;

namespace Matching.Tests.Service;

public class OffersServiceTests
{
    [Test]
    public void Put_NewThenAgain_CreatedThenOk_AndGetShowsTheStoredOfferWithItsPlaces()
    {
        using var f = new ServiceFixture();
        f.Offers.Put("offer-1", ServiceFixture.OfferDocument(capacity: 3), "test").Outcome.Should().Be(Outcome.Created);
        var again = f.Offers.Put("offer-1", ServiceFixture.OfferDocument(capacity: 3), "test");

        again.Outcome.Should().Be(Outcome.Ok);
        var view = f.Offers.Get("offer-1")!;
        view.Should().BeEquivalentTo(again.Value);
        (view.PlacesTaken, view.PlacesFree).Should().Be((0, 3));
    }

    [Test]
    public void Put_CapacityBelowHeldPlaces_ConflictAndCapacityUnchanged()
    {
        using var f = new ServiceFixture();
        f.SeedPair(capacity: 2);
        f.Newcomers.Put("nc-2", ServiceFixture.NewcomerDocument("nc-2"), "test");
        f.Accept();
        f.Accept("nc-2");

        var result = f.Offers.Put("offer-1", ServiceFixture.OfferDocument(capacity: 1), "test");

        result.Outcome.Should().Be(Outcome.Conflict);
        f.Offers.Get("offer-1")!.Offer.Capacity.Should().Be(2);
    }

    [Test]
    public void Get_AfterAnotherInstanceTookAPlace_ShowsItWithoutReadingTheChangeFeed()
    {
        using var a = new ServiceFixture();
        a.SeedPair(capacity: 2);
        var b = a.Another();

        b.Accept();

        // A's index has not heard of it (no SyncChanges), yet the read of the stored offer is current.
        a.Store.Engine.GetOffer("offer-1")!.Value.Held.Should().Be(0);
        var view = a.Offers.Get("offer-1")!;
        (view.PlacesTaken, view.PlacesFree).Should().Be((1, 1));
        a.Offers.List(new OfferFilter()).Items.Single().PlacesTaken.Should().Be(1);
    }

    [Test]
    public void Delete_WithAHeldPlace_Conflict_AndAfterTheMatchEnds_NotFoundOnRead()
    {
        using var f = new ServiceFixture();
        f.SeedPair();
        var matchId = f.Accept();

        f.Offers.Delete("offer-1", "test").Outcome.Should().Be(Outcome.Conflict);
        f.Matches.Move(matchId, MatchStatus.Stopped, 3, EndReason.Moved, "test").Outcome.Should().Be(Outcome.Ok);
        f.Offers.Delete("offer-1", "test").Outcome.Should().Be(Outcome.Ok);

        f.Offers.Get("offer-1").Should().BeNull();
        f.Offers.Delete("offer-1", "test").Outcome.Should().Be(Outcome.NotFound);
        f.Store.Engine.GetOffer("offer-1").Should().BeNull();
    }

    [Test]
    public void Delete_WithAnOpenProposal_DeclinesIt()
    {
        using var f = new ServiceFixture();
        f.SeedPair();
        var proposal = f.Matches.Create("nc-1", "offer-1", null, null, "test").Value!;

        f.Offers.Delete("offer-1", "test").Outcome.Should().Be(Outcome.Ok);

        (f.Matches.Get(proposal.Id)!.Status, f.Matches.Get(proposal.Id)!.Reason).Should().Be(("declined", "offerEnded"));
    }

    [Test]
    public void List_FilterAndPage_OrderedById_WithTheFilteredTotal()
    {
        using var f = new ServiceFixture();
        foreach (var id in new[] { "o-3", "o-1", "o-2", "o-4" }) f.Offers.Put(id, ServiceFixture.OfferDocument(id), "test");
        var buddy = ServiceFixture.OfferDocument("o-9");
        buddy.Kind = "buddy";
        buddy.Setting = "neighbourhoodWork";
        f.Offers.Put("o-9", buddy, "test").Outcome.Should().Be(Outcome.Created);

        var page = f.Offers.List(new OfferFilter { Kind = OfferKind.LanguageInternship, Page = 2, PageSize = 3 });

        page.Total.Should().Be(4);
        page.Items.Select(i => i.Offer.Id).Should().Equal("o-4");
    }
}
