using Dapper;
using Matching.Service;
using Matching.Tests.Service;

namespace Matching.Tests.Storage;

/// <summary>One upsert per resource: an import and a PUT run the same statement, creating and then updating one row.</summary>
public class UpsertTests
{
    [Test]
    public void OfferUpsert_ImportThenImportThenPut_OneRowUpdatedEachTime_CreatedAtKept()
    {
        using var f = new ServiceFixture();
        f.Startup.Import([], [TestData.Offer("offer-1") with { Capacity = 2 }], "seed");
        var created = Row("offers", "offer-1");
        f.Clock.Advance(TimeSpan.FromMinutes(1));

        f.Startup.Import([], [TestData.Offer("offer-1") with { Capacity = 3 }], "seed");
        f.Offers.Get("offer-1")!.Offer.Capacity.Should().Be(3);
        f.Clock.Advance(TimeSpan.FromMinutes(1));
        f.Offers.Put("offer-1", ServiceFixture.OfferDocument(capacity: 4), "test").Outcome.Should().Be(Outcome.Ok);

        var updated = Row("offers", "offer-1");
        f.Database.Read(c => c.ExecuteScalar<long>("SELECT COUNT(*) FROM offers")).Should().Be(1);
        f.Offers.Get("offer-1")!.Offer.Capacity.Should().Be(4);
        f.Database.Read(c => c.ExecuteScalar<long>("SELECT capacity FROM offers")).Should().Be(4);
        updated.CreatedAt.Should().Be(created.CreatedAt);
        updated.UpdatedAt.Should().Be("2026-11-02T09:02:00.000Z");

        (string CreatedAt, string UpdatedAt) Row(string table, string id) =>
            f.Database.Read(c => c.QuerySingle<(string, string)>($"SELECT created_at, updated_at FROM {table} WHERE id = @id", new { id }));
    }

    [Test]
    public void NewcomerUpsert_PutThenImport_OneRowUpdated_TrajectoryEndColumnFollows()
    {
        using var f = new ServiceFixture();
        f.Newcomers.Put("nc-1", ServiceFixture.NewcomerDocument(), "test").Outcome.Should().Be(Outcome.Created);

        f.Startup.Import([TestData.Newcomer("nc-1") with { TrajectoryEnd = new DateOnly(2027, 1, 31) }], [], "seed");

        f.Database.Read(c => c.QuerySingle<(long, string)>("SELECT COUNT(*), MAX(trajectory_end) FROM newcomers")).Should().Be((1L, "2027-01-31"));
        f.Newcomers.Get("nc-1")!.TrajectoryEnd.Should().Be("2027-01-31");
    }
}
