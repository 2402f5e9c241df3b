using Matching.Service;
using Matching.Tests.Api;

namespace Matching.Tests.Service;

/// <summary>
/// The write protocol on PostgreSQL (<see cref="WriteContext"/>): writes run side by side and wait for the write gate
/// only to commit, holding their connection meanwhile, while the change feed reads inside that gate.
/// </summary>
public class WriteProtocolTests
{
    /// <summary>
    /// With a pool of four connections, sixteen writers and the change feed syncing all the while: had the writers
    /// taken every connection while queueing for the gate, the feed would wait inside the gate for a connection until
    /// the pool's timeout (15 s) and fail. At most half the pool runs writes, so everything goes through.
    /// </summary>
    [Test]
    public async Task ManyWritesWhileTheFeedSyncs_SmallPool_EveryWriteAndSyncGoesThrough()
    {
        using var postgres = new PostgresDatabaseFixture();
        using var f = ServiceFixture.OnPostgres(postgres.ConnectionString + ";Maximum Pool Size=4");
        var ids = Enumerable.Range(1, 12).Select(i => $"nc-{i}").ToArray();
        foreach (var id in ids) f.Newcomers.Put(id, ServiceFixture.NewcomerDocument(id), "test").Outcome.Should().Be(Outcome.Created);
        using var stop = new CancellationTokenSource();
        var syncs = 0;
        var feed = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                f.Feed.SyncChanges();
                syncs++;
                Thread.Sleep(2); // a poll every few milliseconds (the service's is 500 ms)
            }
        });
        var writers = Enumerable.Range(0, 16).Select(w => Task.Run(() => Enumerable.Range(0, 10)
            .Select(i => f.Newcomers.Put(ids[(w + i) % ids.Length], ServiceFixture.NewcomerDocument(ids[(w + i) % ids.Length]), "test").Outcome)
            .ToList())).ToList();

        var outcomes = (await Task.WhenAll(writers)).SelectMany(o => o).ToList();
        await stop.CancelAsync();
        await feed;

        outcomes.Should().HaveCount(160).And.OnlyContain(o => o == Outcome.Ok);
        syncs.Should().BePositive();
    }

    /// <summary>
    /// On PostgreSQL reconciliation numbers come from transaction ids without a lock held to commit, so a transaction can
    /// commit a higher number while another that would write a lower one still runs. A reconciliation list stops before such a row
    /// until the other transaction has ended: a client paging by number never passes a number committed later.
    /// </summary>
    [Test]
    public void ChangedSince_ALowerNumberStillUncommitted_ListStopsBeforeTheHigherOneUntilItEnds()
    {
        using var postgres = new PostgresDatabaseFixture();
        using var f = ServiceFixture.OnPostgres(postgres.ConnectionString);
        f.Newcomers.Put("nc-1", ServiceFixture.NewcomerDocument("nc-1"), "test").Outcome.Should().Be(Outcome.Created);
        f.Newcomers.ChangedSince(0, 100).Items.Select(i => i.Id).Should().Equal("nc-1");

        using var slow = new Npgsql.NpgsqlConnection(postgres.ConnectionString);
        slow.Open();
        using (var transaction = slow.BeginTransaction())
        {
            // A transaction with a lower id than the writes below (its number would be lower), still running.
            using (var take = new Npgsql.NpgsqlCommand("SELECT pg_current_xact_id()", slow, transaction)) take.ExecuteNonQuery();
            f.Newcomers.Put("nc-2", ServiceFixture.NewcomerDocument("nc-2"), "test").Outcome.Should().Be(Outcome.Created);
            f.Offers.Put("offer-1", ServiceFixture.OfferDocument("offer-1"), "test").Outcome.Should().Be(Outcome.Created);

            var waiting = f.Newcomers.ChangedSince(0, 100);
            waiting.Items.Select(i => i.Id).Should().Equal(["nc-1"], "nc-2's number is above one still held by a running transaction");
            f.Offers.ChangedSince(0, 100).Items.Should().BeEmpty();
            transaction.Rollback();
        }

        var settled = f.Newcomers.ChangedSince(0, 100);
        settled.Items.Select(i => i.Id).Should().Equal("nc-1", "nc-2");
        settled.HasMore.Should().BeFalse();
        f.Offers.ChangedSince(0, 100).Items.Select(i => i.Id).Should().Equal("offer-1");
    }
}
