using Dapper;
using Matching.Model;
using Matching.Service;
using Matching.Storage;
using Matching.Tests.Service;

namespace Matching.Tests.Storage;

/// <summary>The one SQL definition of a match that holds a place agrees with the lifecycle's, for every status.</summary>
public class HoldsPlaceTests
{
    [Test]
    public void HoldsPlace_OneMatchInEachStatus_CountsAcceptedAndStartedOnly_AsTheLifecycleSays()
    {
        using var f = new ServiceFixture();
        f.Offers.Put("offer-1", ServiceFixture.OfferDocument(capacity: 10), "test");
        var statuses = Enum.GetValues<MatchStatus>();
        f.Database.Write((c, t) =>
        {
            foreach (var status in statuses)
            {
                var id = "nc-" + WireNames.Of(status);
                f.Newcomers.Upsert(c, t, [TestData.Newcomer(id)]);
                c.Execute(
                    """
                    INSERT INTO matches (id, newcomer_id, offer_id, status, created_by, created_at, updated_at)
                    VALUES (@id, @newcomerId, 'offer-1', @status, 'test', '2026-11-02T09:00:00.000Z', '2026-11-02T09:00:00.000Z')
                    """, new { id = "m-" + id, newcomerId = id, status = WireNames.Of(status) }, t);
            }
            return true;
        });
        f.Newcomers.LoadIndex(); // the rows were written past the rooms: the newcomer index reads them as a restart would

        var holding = statuses.Where(MatchLifecycle.HoldsPlace).Select(s => "nc-" + WireNames.Of(s)).ToList();
        holding.Should().BeEquivalentTo(["nc-accepted", "nc-started"]);
        f.Database.Read(c => c.ExecuteScalar<long>(OfferSql.HeldPlaces, new { offerId = "offer-1" })).Should().Be(holding.Count);
        f.Offers.Get("offer-1")!.PlacesTaken.Should().Be(holding.Count);
        f.Newcomers.Unplaced().Select(n => n.Id).Should().BeEquivalentTo(statuses.Select(s => "nc-" + WireNames.Of(s)).Except(holding));
        f.Newcomers.WithoutOpenMatch().Select(n => n.Id).Should().BeEquivalentTo(["nc-completed", "nc-stopped", "nc-declined"]);
    }
}
