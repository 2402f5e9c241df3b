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
        // The reverse ranking from the index equals the evaluation of every unplaced newcomer read from the database.
        var fromDatabase = f.Database.Read(c => c.Query<(string Id, string Document)>(NewcomerSql.Unplaced).ToList())
            .Select(r => f.Store.Mapper.ToNewcomer(r.Id, f.Store.Mapper.ReadStoredNewcomer(r.Document), out _)!).ToList();
        foreach (var offer in f.Store.Engine.Offers().Select(o => o.Offer.Id))
        {
            var options = new Matching.Ranking.RankingOptions { Limit = 50 };
            f.Store.Engine.Candidates(offer, f.Store.Newcomers, options).Should().BeEquivalentTo(
                f.Store.Engine.Candidates(offer, fromDatabase, options), o => o.WithStrictOrdering(), $"offer {offer} ranks the same candidates");
        }
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

        f.Matches.Move(proposed, MatchStatus.Accepted, null, null, "test").Outcome.Should().Be(Outcome.Ok);
        ShouldAgreeWithDatabase(f);
        f.Suggestions.Candidates("offer-1", new()).Value!.Candidates.Select(c => c.NewcomerId).Should().Equal("nc-2");

        f.Matches.Move(proposed, MatchStatus.Stopped, 3, EndReason.Moved, "test").Outcome.Should().Be(Outcome.Ok);
        ShouldAgreeWithDatabase(f);
        f.Store.Newcomers.Waiting(withoutAnyOpenMatch: true).Select(n => n.Id).Should().Equal("nc-1", "nc-2");
    }

    /// <summary>
    /// The write protocol under real concurrency: on PostgreSQL, writes run side by side and hold the write gate only
    /// for their commit, so each must lock the rows whose in-memory state it sets. Rounds of six writes at once
    /// propose, accept, start, decline, stop, re-put and import newcomers and import the offers (two or three places
    /// each); after each round the offer index's places and the newcomer index's match states are the database's.
    /// (Without the row locks this failed in each of five runs.)
    /// </summary>
    [TestCase("sqlite")]
    [TestCase("postgres")]
    public async Task ConcurrentWrites_IndexesAgreeWithDatabase(string provider)
    {
        using var postgres = provider == "postgres" ? new Matching.Tests.Api.PostgresDatabaseFixture() : null;
        using var f = postgres is null ? new ServiceFixture() : ServiceFixture.OnPostgres(postgres.ConnectionString);
        string[] offers = ["offer-1", "offer-2", "offer-3"];
        var newcomers = Enumerable.Range(1, 8).Select(i => $"nc-{i}").ToArray();
        foreach (var id in offers) f.Offers.Put(id, ServiceFixture.OfferDocument(id, capacity: 2), "test").Outcome.Should().Be(Outcome.Created);
        foreach (var id in newcomers) f.Newcomers.Put(id, ServiceFixture.NewcomerDocument(id), "test").Outcome.Should().Be(Outcome.Created);
        var matches = new System.Collections.Concurrent.ConcurrentQueue<string>();
        MatchStatus[] moves = [MatchStatus.Accepted, MatchStatus.Started, MatchStatus.Declined, MatchStatus.Stopped];
        CefrLevel[] levels = [CefrLevel.A1, CefrLevel.A2, CefrLevel.B1];
        var random = new Random(2026);
        var tookPlaces = false;
        // Rounds of six writes released at once, the indexes checked after each: a write that applied a state read
        // before another's commit would show until the next write on the same rows, so the check comes right after.
        for (var round = 0; round < 40; round++)
        {
            var writes = Enumerable.Range(0, 6).Select(_ => (Kind: random.Next(6), Newcomer: newcomers[random.Next(newcomers.Length)],
                Offer: offers[random.Next(offers.Length)], Level: levels[random.Next(levels.Length)], Move: moves[random.Next(moves.Length)], Pick: random.Next())).ToList();
            var known = matches.ToArray();
            using var go = new Barrier(writes.Count);
            await Task.WhenAll(writes.Select(w => Task.Run(() =>
            {
                go.SignalAndWait();
                switch (w.Kind)
                {
                    case 0:
                        f.Newcomers.Put(w.Newcomer, DocumentMapper.ToDocument(TestData.Newcomer(w.Newcomer) with { DutchLevel = w.Level }), "test");
                        break;
                    case 1:
                        if (f.Matches.Create(w.Newcomer, w.Offer, null, null, "test").Value is { } created) matches.Enqueue(created.Id);
                        break;
                    case 2:
                        // Every offer again, with two or three places (a changed offer is applied to the index with its places).
                        var batch = offers.Select(id => f.Store.Mapper.ToOffer(id, ServiceFixture.OfferDocument(id, capacity: 2 + w.Pick % 2), out _)!).ToList();
                        f.Imports.Offers(batch, [1, 2, 3], "test");
                        break;
                    case 3:
                        f.Imports.Newcomers(Batch(f, new[] { TestData.Newcomer(w.Newcomer) with { DutchLevel = w.Level }, TestData.Newcomer(newcomers[w.Pick % newcomers.Length]) }.DistinctBy(n => n.Id)), "test");
                        break;
                    default:
                        if (known.Length == 0) break;
                        f.Matches.Move(known[w.Pick % known.Length], w.Move, w.Move == MatchStatus.Stopped ? 2 : null,
                            w.Move is MatchStatus.Declined or MatchStatus.Stopped ? EndReason.Moved : null, "test");
                        break;
                }
            })));
            var held = f.Database.Read(c => offers.ToDictionary(id => id, id => (int)c.ExecuteScalar<long>(OfferSql.HeldPlaces, new { offerId = id })));
            held.Values.Should().OnlyContain(h => h <= 3, "capacity is never overbooked (the database's trigger)");
            tookPlaces |= held.Values.Any(h => h > 0);
            f.Store.Engine.Offers().ToDictionary(o => o.Offer.Id, o => o.Held).Should().Equal(held, $"the offer index holds the database's places after round {round}");
            ShouldAgreeWithDatabase(f);
        }
        tookPlaces.Should().BeTrue("the rounds took places");
    }

    /// <summary>
    /// Writes of one newcomer commit one after the other (its row lock) but apply to the index after their commits, outside
    /// any lock: the index must still end with the last commit's state, not with a write that committed earlier and
    /// applied later. (With the turn taken after the commit instead of before it, this failed.)
    /// </summary>
    [TestCase("sqlite")]
    [TestCase("postgres")]
    public async Task SameNewcomerWrittenAtOnce_IndexHoldsTheLastCommit(string provider)
    {
        using var postgres = provider == "postgres" ? new Matching.Tests.Api.PostgresDatabaseFixture() : null;
        using var f = postgres is null ? new ServiceFixture() : ServiceFixture.OnPostgres(postgres.ConnectionString);
        f.Newcomers.Put("nc-1", ServiceFixture.NewcomerDocument("nc-1"), "test").Outcome.Should().Be(Outcome.Created);
        for (var round = 0; round < 10; round++)
        {
            using var go = new Barrier(8);
            await Task.WhenAll(Enumerable.Range(0, 8).Select(writer => Task.Run(() =>
            {
                go.SignalAndWait();
                for (var i = 0; i < 5; i++)
                {
                    var document = DocumentMapper.ToDocument(TestData.Newcomer("nc-1") with { MaxTravelKm = 1 + round * 25 + writer * 3 + i });
                    f.Newcomers.Put("nc-1", document, "test").Outcome.Should().Be(Outcome.Ok);
                }
            })));
            ShouldAgreeWithDatabase(f);
        }
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
    public void BulkImportThroughImportsService_IndexAgreesWithDatabase()
    {
        using var f = new ServiceFixture();
        f.SeedPair("nc-1");
        f.Accept("nc-1");
        f.Imports.Newcomers(Batch(f, [TestData.Newcomer("nc-1") with { DutchLevel = CefrLevel.B1 }, TestData.Newcomer("nc-2")]), "test");
        ShouldAgreeWithDatabase(f);
        f.Store.Newcomers.Get("nc-1")!.DutchLevel.Should().Be(CefrLevel.B1);

        f.Imports.Newcomers(Bulk(f), "test");
        ShouldAgreeWithDatabase(f);
    }

    [Test]
    public void OfferDeleted_DeclinesItsProposals_NewcomerWaitsAgain()
    {
        using var f = new ServiceFixture();
        f.SeedPair("nc-1");
        f.Matches.Create("nc-1", "offer-1", null, null, "test").Outcome.Should().Be(Outcome.Created);
        f.Store.Newcomers.Waiting(withoutAnyOpenMatch: true).Should().BeEmpty();

        f.Offers.Delete("offer-1", "test").Outcome.Should().Be(Outcome.Ok);

        ShouldAgreeWithDatabase(f);
        f.Store.Newcomers.Waiting(withoutAnyOpenMatch: true).Select(n => n.Id).Should().Equal("nc-1");
    }

    [Test]
    public void Erase_LeavesNoRowOfTheChangeFeedNamingTheNewcomer()
    {
        using var f = new ServiceFixture();
        f.SeedPair("nc-secret-1");
        f.Accept("nc-secret-1");
        f.Database.Read(c => c.ExecuteScalar<long>("SELECT COUNT(*) FROM changes WHERE subject_id = 'nc-secret-1'")).Should().BePositive();

        f.Newcomers.Erase("nc-secret-1", "test").Should().BeTrue();

        f.Database.Read(c => c.ExecuteScalar<long>("SELECT COUNT(*) FROM changes WHERE subject_id LIKE '%nc-secret-1%'")).Should().Be(0);
        f.Store.Newcomers.Get("nc-secret-1").Should().BeNull();
    }

    /// <summary>
    /// Random writes of every kind on two instances; after each step the writing instance (which has applied the
    /// other's writes from the change feed first) agrees with the database, and at the end both do.
    /// </summary>
    [Test]
    public void RandomWritesOnTwoInstances_BothIndexesAgreeWithDatabase([Values(1, 2, 3)] int seed)
    {
        using var a = new ServiceFixture();
        var b = a.Another();
        var random = new Random(seed);
        var levels = new[] { CefrLevel.A0, CefrLevel.A1, CefrLevel.A2, CefrLevel.B1, CefrLevel.B2 };
        string NewcomerId() => $"nc-{random.Next(12):D2}";
        string OfferId() => $"offer-{random.Next(4)}";
        Newcomer RandomNewcomer(string id) => TestData.Newcomer(id) with
        {
            DutchLevel = levels[random.Next(levels.Length)],
            MaxTravelKm = random.Next(1, 40),
            Location = new Location(TestData.North(TestData.Gent, random.Next(0, 15)), null),
        };
        var matches = new List<string>();
        for (var step = 0; step < 120; step++)
        {
            var f = random.Next(2) == 0 ? a : b;
            f.Feed.SyncChanges(); // the other instance's writes so far, as the sync job would apply them
            switch (random.Next(10))
            {
                case 0 or 1:
                    var id = NewcomerId();
                    f.Newcomers.Put(id, DocumentMapper.ToDocument(RandomNewcomer(id)), "test");
                    break;
                case 2:
                    f.Newcomers.Erase(NewcomerId(), "test");
                    break;
                case 3:
                    f.Offers.Put(OfferId(), ServiceFixture.OfferDocument(OfferId(), capacity: random.Next(1, 4)), "test");
                    break;
                case 4:
                    f.Offers.Delete(OfferId(), "test");
                    break;
                case 5 or 6:
                    if (f.Matches.Create(NewcomerId(), OfferId(), "test override", null, "test").Value is { } created) matches.Add(created.Id);
                    break;
                case 7:
                    if (matches.Count > 0)
                    {
                        var to = new[] { MatchStatus.Accepted, MatchStatus.Started, MatchStatus.Completed, MatchStatus.Stopped, MatchStatus.Declined }[random.Next(5)];
                        f.Matches.Move(matches[random.Next(matches.Count)], to,
                            to is MatchStatus.Completed or MatchStatus.Stopped ? 10 : null,
                            to is MatchStatus.Stopped or MatchStatus.Declined ? EndReason.Moved : null, "test");
                    }
                    break;
                case 8:
                    f.Imports.Newcomers(Batch(f, Enumerable.Range(0, 3).Select(_ => NewcomerId()).Distinct().Select(RandomNewcomer)), "test");
                    break;
                default:
                    if (f.Allocations.Propose(null, new Matching.Allocation.AllocationRequest(), "test").Value is { Id: { } plan }) f.Allocations.Confirm(plan, "test");
                    break;
            }
            ShouldAgreeWithDatabase(f);
        }
        a.Feed.SyncChanges();
        b.Feed.SyncChanges();
        ShouldAgreeWithDatabase(a);
        ShouldAgreeWithDatabase(b);
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

        b.Matches.Move(match, MatchStatus.Stopped, 2, EndReason.Moved, "test");
        b.Startup.Import(Bulk(b), [], "test");
        a.Feed.SyncChanges();
        ShouldAgreeWithDatabase(a);
    }
}
