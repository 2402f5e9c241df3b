using System.Net;
using System.Net.Http.Json;
using System.Text;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Matching.Tests.Api;

public class ConcurrencyAndErasureApiTests
{
    [TestCase(1, 8)]
    [TestCase(3, 16)]
    public async Task ParallelAccepts_OnOfferOfCapacityK_ExactlyKSucceed(int capacity, int newcomers)
    {
        using var factory = new ApiFactory();
        using var cms = factory.Client(ApiFactory.CaseManagementKey);
        (await cms.PutAsJsonAsync("/api/v1/offers/offer-1", ApiFactory.OfferBody(capacity))).EnsureSuccessStatusCode();
        var ids = new List<string>();
        for (var i = 0; i < newcomers; i++)
        {
            (await cms.PutAsJsonAsync($"/api/v1/newcomers/nc-{i}", ApiFactory.NewcomerBody())).EnsureSuccessStatusCode();
            var created = await (await cms.PostAsJsonAsync("/api/v1/matches", new { newcomerId = $"nc-{i}", offerId = "offer-1" })).Json(HttpStatusCode.Created);
            ids.Add(created.GetProperty("id").GetString()!);
        }
        using var start = new ManualResetEventSlim();
        var tasks = ids.Select(id => Task.Run(async () =>
        {
            using var client = factory.Client(ApiFactory.CaseWorkerKey);
            start.Wait();
            return (await client.PatchAsJsonAsync($"/api/v1/matches/{id}", new { status = "accepted" })).StatusCode;
        })).ToList();
        start.Set();
        var statuses = await Task.WhenAll(tasks);
        statuses.Count(s => s == HttpStatusCode.OK).Should().Be(capacity);
        statuses.Count(s => s == HttpStatusCode.Conflict).Should().Be(newcomers - capacity);
        using var db = new SqliteConnection($"Data Source={factory.DatabaseFile}");
        db.ExecuteScalar<long>("SELECT COUNT(*) FROM matches WHERE status = 'accepted'").Should().Be(capacity);
        var offer = await (await cms.GetAsync("/api/v1/offers/offer-1")).Json();
        offer.GetProperty("placesTaken").GetInt32().Should().Be(capacity);
    }

    [Test]
    public async Task Erasure_LeavesNothingPersonal_AndKeepsAnonymousOutcome()
    {
        const string id = "nc-erase-7f3a9c";
        using var factory = new ApiFactory();
        using var cms = factory.Client(ApiFactory.CaseManagementKey);
        await factory.SeedPairAsync(newcomerId: id);
        var match = await (await cms.PostAsJsonAsync("/api/v1/matches", new { newcomerId = id, offerId = "offer-1" })).Json(HttpStatusCode.Created);
        var matchId = match.GetProperty("id").GetString()!;
        await (await cms.PatchAsJsonAsync($"/api/v1/matches/{matchId}", new { status = "accepted" })).Json();

        (await cms.DeleteAsync($"/api/v1/newcomers/{id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);

        await (await cms.GetAsync($"/api/v1/newcomers/{id}")).ShouldBeProblem(HttpStatusCode.NotFound);
        await (await cms.DeleteAsync($"/api/v1/newcomers/{id}")).ShouldBeProblem(HttpStatusCode.NotFound);
        var anonymous = await (await cms.GetAsync($"/api/v1/matches/{matchId}")).Json();
        anonymous.TryGetProperty("newcomerId", out _).Should().BeFalse("the outcome row is anonymous");
        anonymous.GetProperty("status").GetString().Should().Be("stopped");
        anonymous.GetProperty("reason").GetString().Should().Be("erased");
        (await (await cms.GetAsync("/api/v1/offers/offer-1")).Json()).GetProperty("placesTaken").GetInt32().Should().Be(0, "the erased newcomer's place is freed");

        using (var db = new SqliteConnection($"Data Source={factory.DatabaseFile}"))
        {
            db.Open();
            db.ExecuteScalar<long>("SELECT COUNT(*) FROM newcomers").Should().Be(0);
            db.ExecuteScalar<long>("SELECT COUNT(*) FROM audit WHERE subject_id = @id OR detail LIKE '%' || @id || '%'", new { id }).Should().Be(0);
            db.ExecuteScalar<long>("SELECT COUNT(*) FROM matches WHERE newcomer_id IS NOT NULL").Should().Be(0);
            db.Execute("PRAGMA wal_checkpoint(TRUNCATE);");
        }
        SqliteConnection.ClearAllPools();
        // secure_delete: not even free pages of the file still hold the id.
        var bytes = await File.ReadAllBytesAsync(factory.DatabaseFile);
        Encoding.UTF8.GetString(bytes).Should().NotContain(id);
    }

    [Test]
    public async Task Restart_DataAndHeldPlacesSurvive()
    {
        string file;
        string matchId;
        using (var first = new ApiFactory())
        {
            file = first.DatabaseFile;
            using var cms = first.Client(ApiFactory.CaseManagementKey);
            await first.SeedPairAsync(capacity: 1);
            matchId = (await (await cms.PostAsJsonAsync("/api/v1/matches", new { newcomerId = "nc-1", offerId = "offer-1" })).Json(HttpStatusCode.Created)).GetProperty("id").GetString()!;
            await (await cms.PatchAsJsonAsync($"/api/v1/matches/{matchId}", new { status = "accepted" })).Json();
            using var analyst = first.Client(ApiFactory.AnalystKey);
            (await analyst.PutAsJsonAsync("/api/v1/weight-profiles/near", new { weights = new { distance = 1 } })).EnsureSuccessStatusCode();
        }
        using var second = new ApiFactory(file);
        using var client = second.Client(ApiFactory.AdminKey);
        (await (await client.GetAsync("/api/v1/newcomers/nc-1")).Json()).GetProperty("dutchLevel").GetString().Should().Be("A2");
        (await (await client.GetAsync($"/api/v1/matches/{matchId}")).Json()).GetProperty("status").GetString().Should().Be("accepted");
        (await (await client.GetAsync("/api/v1/offers/offer-1")).Json()).GetProperty("placesFree").GetInt32().Should().Be(0);
        second.HeldInIndex("offer-1").Should().Be(1, "the index is rebuilt with held places");
        (await (await client.GetAsync("/api/v1/weight-profiles/near")).Json()).GetProperty("version").GetInt32().Should().Be(1);
    }
}
