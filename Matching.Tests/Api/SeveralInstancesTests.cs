using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Npgsql;
using static Matching.Tests.Api.ImportRequests;

namespace Matching.Tests.Api;

/// <summary>Two service instances on one database: capacity holds across them and each index catches up with the other.</summary>
public class SeveralInstancesTests
{
    private PostgresDatabaseFixture? _postgres;

    [TearDown]
    public void TearDown() => _postgres?.Dispose();

    private (ApiFactory A, ApiFactory B) TwoInstances(string provider)
    {
        if (provider == "postgres")
        {
            _postgres = new PostgresDatabaseFixture();
            return (new ApiFactory(postgresConnectionString: _postgres.ConnectionString), new ApiFactory(postgresConnectionString: _postgres.ConnectionString));
        }
        var a = new ApiFactory();
        return (a, new ApiFactory(a.DatabaseFile));
    }

    [TestCase("sqlite", 2, 12)]
    [TestCase("postgres", 2, 12)]
    [TestCase("postgres", 5, 30)]
    public async Task ParallelAccepts_SplitOverTwoInstances_ExactlyCapacitySucceed(string provider, int capacity, int newcomers)
    {
        var (a, b) = TwoInstances(provider);
        using (a)
        using (b)
        {
            using var cmsA = a.Client(ApiFactory.CaseManagementKey);
            using var cmsB = b.Client(ApiFactory.CaseManagementKey);
            (await cmsA.PutAsJsonAsync("/api/v1/offers/offer-1", ApiFactory.OfferBody(capacity))).EnsureSuccessStatusCode();
            var ids = new List<string>();
            for (var i = 0; i < newcomers; i++)
            {
                (await cmsA.PutAsJsonAsync($"/api/v1/newcomers/nc-{i}", ApiFactory.NewcomerBody())).EnsureSuccessStatusCode();
                ids.Add((await (await cmsA.PostAsJsonAsync("/api/v1/matches", new { newcomerId = $"nc-{i}", offerId = "offer-1" })).Json(HttpStatusCode.Created))
                    .GetProperty("id").GetString()!);
            }
            using var go = new ManualResetEventSlim();
            var tasks = ids.Select((id, i) => Task.Run(async () =>
            {
                var client = i % 2 == 0 ? cmsA : cmsB;
                go.Wait();
                return (await client.PatchAsJsonAsync($"/api/v1/matches/{id}", new { status = "accepted" })).StatusCode;
            })).ToList();
            go.Set();
            var statuses = await Task.WhenAll(tasks);
            statuses.Count(s => s == HttpStatusCode.OK).Should().Be(capacity);
            statuses.Count(s => s == HttpStatusCode.Conflict).Should().Be(newcomers - capacity);
            // Both indexes come to agree with the database.
            foreach (var client in new[] { cmsA, cmsB })
            {
                await Eventually(async () => (await (await client.GetAsync("/api/v1/offers/offer-1")).Json()).GetProperty("placesTaken").GetInt32() == capacity);
            }
            foreach (var instance in new[] { a, b }) await Eventually(() => Task.FromResult(instance.HeldInIndex("offer-1") == capacity));
        }
    }

    [TestCase("sqlite")]
    [TestCase("postgres")]
    public async Task WritesOnOneInstance_ReachTheOthersIndex_AfterASync(string provider)
    {
        var (a, b) = TwoInstances(provider);
        using (a)
        using (b)
        {
            using var cmsA = a.Client(ApiFactory.CaseManagementKey);
            using var workerB = b.Client(ApiFactory.CaseWorkerKey);
            (await workerB.GetAsync("/api/v1/offers")).EnsureSuccessStatusCode(); // instance B is up before A writes
            (await cmsA.PutAsJsonAsync("/api/v1/newcomers/nc-1", ApiFactory.NewcomerBody())).EnsureSuccessStatusCode();

            (await cmsA.PutAsJsonAsync("/api/v1/offers/offer-1", ApiFactory.OfferBody(capacity: 1))).EnsureSuccessStatusCode();
            // GET of the offer reads the database (current at once); the suggestions show B's index has it.
            await Eventually(async () => (await (await workerB.GetAsync("/api/v1/newcomers/nc-1/suggestions")).Json()).GetProperty("suggestions").GetArrayLength() == 1);
            (await (await workerB.GetAsync("/api/v1/newcomers/nc-1/suggestions")).Json()).GetProperty("suggestions").GetArrayLength().Should().Be(1);

            var match = await (await cmsA.PostAsJsonAsync("/api/v1/matches", new { newcomerId = "nc-1", offerId = "offer-1" })).Json(HttpStatusCode.Created);
            await (await cmsA.PatchAsJsonAsync($"/api/v1/matches/{match.GetProperty("id").GetString()}", new { status = "accepted" })).Json();
            // A place taken on A is no longer suggested by B.
            await Eventually(async () => (await (await workerB.GetAsync("/api/v1/newcomers/nc-1/suggestions")).Json()).GetProperty("suggestions").GetArrayLength() == 0);

            (await a.Client(ApiFactory.AnalystKey).PutAsJsonAsync("/api/v1/weight-profiles/default", new { weights = new { distance = 1 } })).EnsureSuccessStatusCode();
            await Eventually(async () => (await (await workerB.GetAsync("/api/v1/weight-profiles/default")).Json()).GetProperty("version").GetInt32() == 2);
        }
    }

    [TestCase("sqlite")]
    [TestCase("postgres")]
    public async Task SamePairProposedOnBothInstancesAtOnce_OneOpenMatch(string provider)
    {
        var (a, b) = TwoInstances(provider);
        using (a)
        using (b)
        {
            await a.SeedPairAsync();
            using var workerA = a.Client(ApiFactory.CaseWorkerKey);
            using var workerB = b.Client(ApiFactory.CaseWorkerKey);
            using var go = new ManualResetEventSlim();
            var tasks = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
            {
                go.Wait();
                return (await (i % 2 == 0 ? workerA : workerB).PostAsJsonAsync("/api/v1/matches", new { newcomerId = "nc-1", offerId = "offer-1" })).StatusCode;
            })).ToList();
            go.Set();
            var statuses = await Task.WhenAll(tasks);
            statuses.Count(s => s == HttpStatusCode.Created).Should().Be(1);
            statuses.Count(s => s == HttpStatusCode.Conflict).Should().Be(7);
        }
    }

    [TestCase("sqlite")]
    [TestCase("postgres")]
    public async Task OffersImportedOnEitherInstance_ReachTheOthersIndex_AndAReimportIsUnchanged(string provider)
    {
        var (a, b) = TwoInstances(provider);
        using (a)
        using (b)
        {
            using var cmsA = a.Client(ApiFactory.CaseManagementKey);
            using var cmsB = b.Client(ApiFactory.CaseManagementKey);
            (await cmsB.GetAsync("/api/v1/offers")).EnsureSuccessStatusCode(); // instance B is up before A imports
            var lines = Enumerable.Range(1, 3).Select(i => Line($"o-{i}", ApiFactory.OfferBody(capacity: i))).ToList();

            await ShouldCount(await cmsA.PostAsync("/api/v1/offers:import", Ndjson(lines)), created: 3, updated: 0, unchanged: 0);
            foreach (var i in new[] { 1, 2, 3 }) await Eventually(() => Task.FromResult(b.CapacityInIndex($"o-{i}") == i));
            await ShouldCount(await cmsA.PostAsync("/api/v1/offers:import", Ndjson(lines)), created: 0, updated: 0, unchanged: 3);

            // The other way round: B's import reaches A's index, B's own index has it at once.
            lines[1] = Line("o-2", ApiFactory.OfferBody(capacity: 7));
            await ShouldCount(await cmsB.PostAsync("/api/v1/offers:import", Ndjson(lines)), created: 0, updated: 1, unchanged: 2);
            b.CapacityInIndex("o-2").Should().Be(7);
            await Eventually(() => Task.FromResult(a.CapacityInIndex("o-2") == 7));
            a.CapacityInIndex("o-1").Should().Be(1);
        }
    }

    [Test]
    public async Task Postgres_Lifecycle_EraseAndRestart()
    {
        _postgres = new PostgresDatabaseFixture();
        string matchId;
        using (var first = new ApiFactory(postgresConnectionString: _postgres.ConnectionString))
        {
            using var cms = first.Client(ApiFactory.CaseManagementKey);
            await first.SeedPairAsync(capacity: 1);
            (await cms.PutAsJsonAsync("/api/v1/newcomers/nc-gone", ApiFactory.NewcomerBody())).EnsureSuccessStatusCode();
            (await cms.PutAsJsonAsync("/api/v1/newcomers/nc-2", ApiFactory.NewcomerBody())).EnsureSuccessStatusCode();
            matchId = (await (await cms.PostAsJsonAsync("/api/v1/matches", new { newcomerId = "nc-1", offerId = "offer-1" })).Json(HttpStatusCode.Created)).GetProperty("id").GetString()!;
            await (await cms.PatchAsJsonAsync($"/api/v1/matches/{matchId}", new { status = "accepted" })).Json();
            (await cms.DeleteAsync("/api/v1/newcomers/nc-gone")).StatusCode.Should().Be(HttpStatusCode.NoContent);
            var plan = await (await cms.PostAsJsonAsync("/api/v1/assignments", new { mode = "optimal" })).Json(HttpStatusCode.Created);
            plan.GetProperty("placed").GetInt32().Should().Be(0);
            plan.GetProperty("unassigned")[0].GetProperty("newcomerId").GetString().Should().Be("nc-2");
            plan.GetProperty("unassigned")[0].GetProperty("reason").GetString().Should().Be("feasibleOffersTaken", "its only feasible offer is full");
        }
        using var second = new ApiFactory(postgresConnectionString: _postgres.ConnectionString);
        using var client = second.Client(ApiFactory.AdminKey);
        (await (await client.GetAsync($"/api/v1/matches/{matchId}")).Json()).GetProperty("status").GetString().Should().Be("accepted");
        (await (await client.GetAsync("/api/v1/offers/offer-1")).Json()).GetProperty("placesFree").GetInt32().Should().Be(0);
        await (await client.GetAsync("/api/v1/newcomers/nc-gone")).ShouldBeProblem(HttpStatusCode.NotFound);
        using var db = new NpgsqlConnection(_postgres.ConnectionString);
        db.ExecuteScalar<long>("SELECT COUNT(*) FROM audit WHERE subject_id = 'nc-gone'").Should().Be(0);
        using var schema = new Matching.Storage.PostgresDatabase(_postgres.ConnectionString);
        db.ExecuteScalar<int>("SELECT MAX(version) FROM schema_migrations").Should().Be(schema.LatestVersion);
    }

    /// <summary>The test hosts' change-feed interval.</summary>
    private static readonly TimeSpan SyncInterval = TimeSpan.FromMilliseconds(ApiFactory.SyncIntervalMs);

    /// <summary>
    /// How long a write on one instance may take to show on the other before the test fails. The promise is one
    /// interval (the write lands just after a sync and the next tick applies it) plus the sync's own queries. On a
    /// shared 2-core machine ticks come late and requests queue, so the deadline allows 20 intervals plus 5 s for the
    /// sync and the polling request: it catches a feed that never applies, not one that is merely slow.
    /// </summary>
    private static readonly TimeSpan VisibleWithin = 20 * SyncInterval + TimeSpan.FromSeconds(5);

    /// <summary>Polls, a quarter interval apart, until the condition holds; fails once <see cref="VisibleWithin"/> has passed.</summary>
    private static async Task Eventually(Func<Task<bool>> condition)
    {
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            if (waited.Elapsed > VisibleWithin)
            {
                Assert.Fail($"The other instance did not show the write within {VisibleWithin.TotalSeconds} s (sync interval {SyncInterval.TotalMilliseconds} ms).");
            }
            await Task.Delay(SyncInterval / 4);
        }
    }
}
