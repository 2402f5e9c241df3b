using System.Text.Json;
using Dapper;
using Matching.Contracts;
using Matching.Model;
using Matching.Service;
using Matching.Storage;

namespace Matching.Tests.Service;

/// <summary>The newcomer index agrees with the database after every kind of write, a restart, and another instance's writes.</summary>
public class NewcomerIndexTests
{
    /// <summary>Every stored newcomer is in the index with the stored attributes, and the waiting sets are the database's.</summary>
    private static void ShouldAgreeWithDatabase(ServiceFixture f)
    {
        var (stored, unplaced, withoutOpen) = f.Database.Read(c => (
            c.Query<(string Id, string Document)>(NewcomerSql.All).ToList(),
            c.Query<(string Id, string Document)>(NewcomerSql.Unplaced).Select(r => r.Id).ToList(),
            c.Query<(string Id, string Document)>(NewcomerSql.WithoutOpenMatch).Select(r => r.Id).ToList()));
        f.Store.Newcomers.Count.Should().Be(stored.Count);
        foreach (var (id, json) in stored)
        {
            var indexed = f.Store.Newcomers.Get(id);
            indexed.Should().NotBeNull($"newcomer {id} is stored");
            var loaded = f.Store.Mapper.ToNewcomer(id, JsonSerializer.Deserialize<NewcomerDocument>(json, DocumentJson.Options), out _)!;
            JsonSerializer.Serialize(DocumentMapper.ToDocument(indexed!), DocumentJson.Options)
                .Should().Be(JsonSerializer.Serialize(DocumentMapper.ToDocument(loaded), DocumentJson.Options), $"newcomer {id} is indexed as stored");
        }
        f.Store.Newcomers.Waiting(withoutAnyOpenMatch: false).Select(n => n.Id).Should().Equal(unplaced);
        f.Store.Newcomers.Waiting(withoutAnyOpenMatch: true).Select(n => n.Id).Should().Equal(withoutOpen);
    }

    /// <summary>Newcomers as an import hands them over: validated through the mapper.</summary>
    private static List<Newcomer> Batch(ServiceFixture f, IEnumerable<Newcomer> newcomers) =>
        newcomers.Select(n => f.Store.Mapper.ToNewcomer(n.Id, DocumentMapper.ToDocument(n), out _)!).ToList();

    private static List<Newcomer> Bulk(ServiceFixture f) =>
        Batch(f, Enumerable.Range(0, ChangeFeed.LargeBatch + 1).Select(i => TestData.Newcomer($"nc-bulk-{i:D5}")));

    [Test]
    public void PutUpdateErase_IndexAgreesWithDatabase()
    {
        using var f = new ServiceFixture();
        f.SeedPair("nc-1");
        f.Newcomers.Put("nc-2", ServiceFixture.NewcomerDocument("nc-2"), "test");
        ShouldAgreeWithDatabase(f);

        var moved = DocumentMapper.ToDocument(TestData.Newcomer("nc-2") with { DutchLevel = CefrLevel.B2, MaxTravelKm = 3 });
        f.Newcomers.Put("nc-2", moved, "test").Outcome.Should().Be(Outcome.Ok);
        ShouldAgreeWithDatabase(f);
        f.Suggestions.SuggestFor("nc-2", new()).Value!.NewcomerId.Should().Be("nc-2");

        f.Newcomers.Erase("nc-1", "test").Should().BeTrue();
        ShouldAgreeWithDatabase(f);
        f.Suggestions.SuggestFor("nc-1", new()).Outcome.Should().Be(Outcome.NotFound);
    }

    [Test]
    public void MatchProposedAcceptedStopped_IndexAgreesWithDatabase()
    {
        using var f = new ServiceFixture();
        f.SeedPair("nc-1");
        f.Newcomers.Put("nc-2", ServiceFixture.NewcomerDocument("nc-2"), "test");
        var proposed = f.Matches.Create("nc-1", "offer-1", null, null, "test").Value!.Id;
        ShouldAgreeWithDatabase(f);
        f.Store.Newcomers.Waiting(withoutAnyOpenMatch: true).Select(n => n.Id).Should().Equal("nc-2");

        f.Matches.Move(proposed, "accepted", null, null, "test").Outcome.Should().Be(Outcome.Ok);
        ShouldAgreeWithDatabase(f);
        f.Suggestions.Candidates("offer-1", new()).Value!.Candidates.Select(c => c.NewcomerId).Should().Equal("nc-2");

        f.Matches.Move(proposed, "stopped", 3, "moved", "test").Outcome.Should().Be(Outcome.Ok);
        ShouldAgreeWithDatabase(f);
        f.Store.Newcomers.Waiting(withoutAnyOpenMatch: true).Select(n => n.Id).Should().Equal("nc-1", "nc-2");
    }

    [Test]
    public void ConfirmedAllocation_IndexAgreesWithDatabase()
    {
        using var f = new ServiceFixture();
        f.SeedPair("nc-1", capacity: 1);
        f.Newcomers.Put("nc-2", ServiceFixture.NewcomerDocument("nc-2"), "test");
        var plan = f.Allocations.Propose(null, new Matching.Allocation.AllocationRequest(), "test").Value!;
        plan.Placed.Should().Be(1);

        f.Allocations.Confirm(plan.Id!, "test").Outcome.Should().Be(Outcome.Ok);

        ShouldAgreeWithDatabase(f);
        f.Store.Newcomers.Waiting(withoutAnyOpenMatch: false).Should().ContainSingle();
    }

    [Test]
    public void ImportSmallAndLarge_IndexAgreesWithDatabase()
    {
        using var f = new ServiceFixture();
        f.SeedPair("nc-1");
        f.Accept("nc-1");
        f.Startup.Import(Batch(f, [TestData.Newcomer("nc-1") with { MaxTravelKm = 5 }, TestData.Newcomer("nc-2")]), [], "test");
        ShouldAgreeWithDatabase(f);

        f.Startup.Import(Bulk(f), [], "test");
        ShouldAgreeWithDatabase(f);
    }

    [Test]
    public void RetentionErasure_IndexAgreesWithDatabase()
    {
        using var f = new ServiceFixture();
        f.Newcomers.Put("nc-old", DocumentMapper.ToDocument(TestData.Newcomer("nc-old") with { TrajectoryEnd = TestData.Today.AddMonths(-1) }), "test");
        f.Newcomers.Put("nc-new", DocumentMapper.ToDocument(TestData.Newcomer("nc-new") with { TrajectoryEnd = TestData.Today.AddYears(2) }), "test");
        f.Clock.Advance(TimeSpan.FromDays(400));

        f.Newcomers.EraseEndedTrajectories(6).Should().Be(1);

        ShouldAgreeWithDatabase(f);
        f.Store.Newcomers.Get("nc-old").Should().BeNull();
    }

    [Test]
    public void Restart_LoadsTheIndexAsStored()
    {
        using var f = new ServiceFixture();
        f.SeedPair("nc-1");
        f.Newcomers.Put("nc-2", ServiceFixture.NewcomerDocument("nc-2"), "test");
        f.Newcomers.Put("nc-3", ServiceFixture.NewcomerDocument("nc-3"), "test");
        f.Accept("nc-1");
        f.Matches.Create("nc-2", "offer-1", null, null, "test");
        f.Newcomers.Erase("nc-3", "test");

        var restarted = f.Another();

        restarted.Store.Newcomers.Count.Should().Be(2);
        ShouldAgreeWithDatabase(restarted);
    }

    [Test]
    public void AnotherInstancesWrites_AppliedThroughTheChangeFeed_IndexAgrees()
    {
        using var a = new ServiceFixture();
        var b = a.Another();
        b.SeedPair("nc-1");
        b.Newcomers.Put("nc-2", ServiceFixture.NewcomerDocument("nc-2"), "test");
        b.Newcomers.Put("nc-3", ServiceFixture.NewcomerDocument("nc-3"), "test");
        var match = b.Accept("nc-1");
        b.Newcomers.Put("nc-2", DocumentMapper.ToDocument(TestData.Newcomer("nc-2") with { DutchLevel = CefrLevel.A1 }), "test");
        b.Newcomers.Erase("nc-3", "test");

        a.Feed.SyncChanges();
        ShouldAgreeWithDatabase(a);
        a.Store.Newcomers.Get("nc-2")!.DutchLevel.Should().Be(CefrLevel.A1);

        b.Matches.Move(match, "stopped", 2, "moved", "test");
        b.Startup.Import(Bulk(b), [], "test");
        a.Feed.SyncChanges();
        ShouldAgreeWithDatabase(a);
    }
}
