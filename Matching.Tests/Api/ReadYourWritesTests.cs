using System.Net;
using System.Net.Http.Json;

namespace Matching.Tests.Api;

/// <summary>
/// Two hosts on one SQLite file. A read of a stored resource on one host reflects every write acknowledged before it
/// on the other, with no waiting: the other host's index (which serves ranking) is deliberately never refreshed here.
/// </summary>
public class ReadYourWritesTests
{
    private static readonly Dictionary<string, string?> NoFeedPolling = new() { ["Storage:SyncIntervalMs"] = "60000" };

    [Test]
    public async Task AcceptOnOneHost_ImmediatelyReadTheOfferOnTheOther_PlaceTaken()
    {
        using var a = new ApiFactory();
        using var b = new ApiFactory(a.DatabaseFile, NoFeedPolling);
        using var cmsA = a.Client(ApiFactory.CaseManagementKey);
        using var workerB = b.Client(ApiFactory.CaseWorkerKey);
        (await workerB.GetAsync("/api/v1/offers")).EnsureSuccessStatusCode(); // B is up (its index loaded) before A writes

        await a.SeedPairAsync(capacity: 2);
        var match = await (await cmsA.PostAsJsonAsync("/api/v1/matches", new { newcomerId = "nc-1", offerId = "offer-1" })).Json(HttpStatusCode.Created);
        await (await cmsA.PatchAsJsonAsync($"/api/v1/matches/{match.GetProperty("id").GetString()}", new { status = "accepted" })).Json();

        var offer = await (await workerB.GetAsync("/api/v1/offers/offer-1")).Json();
        offer.GetProperty("placesTaken").GetInt32().Should().Be(1);
        offer.GetProperty("placesFree").GetInt32().Should().Be(1);
        var read = await (await workerB.GetAsync($"/api/v1/matches/{match.GetProperty("id").GetString()}")).Json();
        read.GetProperty("status").GetString().Should().Be("accepted");
    }

    [Test]
    public async Task ChangeCapacityOnOneHost_ListOnTheOther_ShowsTheCurrentDocumentAndPlaces()
    {
        using var a = new ApiFactory();
        await a.SeedPairAsync(capacity: 2);
        using var b = new ApiFactory(a.DatabaseFile, NoFeedPolling);
        using var workerB = b.Client(ApiFactory.CaseWorkerKey);
        (await workerB.GetAsync("/api/v1/offers")).EnsureSuccessStatusCode(); // B has loaded offer-1 with capacity 2

        using var cmsA = a.Client(ApiFactory.CaseManagementKey);
        (await cmsA.PutAsJsonAsync("/api/v1/offers/offer-1", ApiFactory.OfferBody(capacity: 5))).EnsureSuccessStatusCode();

        var item = (await (await workerB.GetAsync("/api/v1/offers")).Json()).GetProperty("items")[0];
        item.GetProperty("offer").GetProperty("capacity").GetInt32().Should().Be(5);
        item.GetProperty("placesFree").GetInt32().Should().Be(5);
    }
}
