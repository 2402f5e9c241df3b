using Matching.Service;

namespace Matching.Tests.Service;

public class AuditServiceTests
{
    [Test]
    public void Read_NewestFirst_PagedByBeforeId()
    {
        using var f = new ServiceFixture();
        f.SeedPair();
        f.Matches.Create("nc-1", "offer-1", null, null, "worker");

        var newest = f.Audit.Read(2);
        var older = f.Audit.Read(2, newest[^1].Id);

        newest.Select(e => (e.Actor, e.Action)).Should().Equal(("worker", "match.proposed"), ("test", "offer.created"));
        older[0].Action.Should().Be("newcomer.created");
        older[0].Id.Should().BeLessThan(newest[^1].Id);
    }

    [Test]
    public void Read_AfterErasure_NoRowNamesTheNewcomer()
    {
        using var f = new ServiceFixture();
        f.SeedPair();
        f.Newcomers.Put("nc-1", ServiceFixture.NewcomerDocument(), "test");

        f.Newcomers.Erase("nc-1", "test");

        var rows = f.Audit.Read(100);
        rows.Should().NotContain(e => e.SubjectId == "nc-1" || (e.Detail ?? "").Contains("nc-1", StringComparison.Ordinal));
        rows.Count(e => e.SubjectType == "newcomer").Should().Be(3, "created, updated and erased stay as anonymous rows");
    }
}
