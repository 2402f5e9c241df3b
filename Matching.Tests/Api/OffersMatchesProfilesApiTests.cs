using System.Net;
using System.Net.Http.Json;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Matching.Tests.Api;

public class OffersMatchesProfilesApiTests
{
    private ApiFactory _factory = null!;
    private HttpClient _cms = null!;
    private HttpClient _worker = null!;
    private HttpClient _analyst = null!;

    [SetUp]
    public void SetUp()
    {
        _factory = new ApiFactory();
        _cms = _factory.Client(ApiFactory.CaseManagementKey);
        _worker = _factory.Client(ApiFactory.CaseWorkerKey);
        _analyst = _factory.Client(ApiFactory.AnalystKey);
    }

    [TearDown]
    public void TearDown()
    {
        _cms.Dispose();
        _worker.Dispose();
        _analyst.Dispose();
        _factory.Dispose();
    }

    private async Task<string> ProposeAsync(string newcomerId = "nc-1", string offerId = "offer-1", object? extra = null)
    {
        var response = await _worker.PostAsJsonAsync("/api/v1/matches", extra ?? new { newcomerId, offerId });
        return (await response.Json(HttpStatusCode.Created)).GetProperty("id").GetString()!;
    }

    private Task<HttpResponseMessage> Move(string id, object body) => _worker.PatchAsJsonAsync($"/api/v1/matches/{id}", body);

    [Test]
    public async Task Offers_PutGetListDelete()
    {
        (await _cms.PutAsJsonAsync("/api/v1/offers/offer-1", ApiFactory.OfferBody())).StatusCode.Should().Be(HttpStatusCode.Created);
        (await _cms.PutAsJsonAsync("/api/v1/offers/offer-2", ApiFactory.OfferBody(place: "Antwerpen"))).StatusCode.Should().Be(HttpStatusCode.Created);
        (await _cms.PutAsJsonAsync("/api/v1/offers/offer-1", ApiFactory.OfferBody(capacity: 3))).StatusCode.Should().Be(HttpStatusCode.OK);
        var one = await (await _worker.GetAsync("/api/v1/offers/offer-1")).Json();
        one.GetProperty("offer").GetProperty("capacity").GetInt32().Should().Be(3);
        one.GetProperty("placesFree").GetInt32().Should().Be(3);
        var page = await (await _worker.GetAsync("/api/v1/offers?place=antwerpen&pageSize=1")).Json();
        page.GetProperty("total").GetInt32().Should().Be(1);
        page.GetProperty("items")[0].GetProperty("offer").GetProperty("id").GetString().Should().Be("offer-2");
        var all = await (await _worker.GetAsync("/api/v1/offers?kind=languageInternship&page=2&pageSize=1")).Json();
        all.GetProperty("total").GetInt32().Should().Be(2);
        all.GetProperty("items")[0].GetProperty("offer").GetProperty("id").GetString().Should().Be("offer-2");
        (await _cms.DeleteAsync("/api/v1/offers/offer-1")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        await (await _worker.GetAsync("/api/v1/offers/offer-1")).ShouldBeProblem(HttpStatusCode.NotFound);
        await (await _cms.DeleteAsync("/api/v1/offers/offer-1")).ShouldBeProblem(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Offers_BadInput_EachFieldNamed()
    {
        var response = await _cms.PutAsJsonAsync("/api/v1/offers/offer-1", new
        {
            kind = "party", setting = "castle", title = "", location = new { place = "Gentt" }, capacity = 0,
            schedule = new[] { new { day = "wed", from = "25:00", to = "17:00" } }, dutchLevel = new { min = "B2", max = "A1" },
            startsOn = "2027-02-01", endsOn = "2027-01-01", hours = 0,
        });
        await response.ShouldBeValidationProblem("kind", "setting", "title", "location.place", "capacity", "schedule[0].from", "dutchLevel", "endsOn", "hours");
        await (await _worker.GetAsync("/api/v1/offers?kind=party&hasPlaces=maybe&pageSize=500")).ShouldBeValidationProblem("kind", "hasPlaces", "pageSize");
    }

    [Test]
    public async Task Offers_Preferences_StoredNormalisedAndBadOnesRefusedNamingTheWeight()
    {
        var body = System.Text.Json.JsonSerializer.SerializeToNode(ApiFactory.OfferBody())!;
        body["preferences"] = new System.Text.Json.Nodes.JsonObject { ["weights"] = new System.Text.Json.Nodes.JsonObject { ["distance"] = 2, ["interests"] = 2 } };
        (await _cms.PutAsJsonAsync("/api/v1/offers/offer-1", body)).StatusCode.Should().Be(HttpStatusCode.Created);

        var weights = (await (await _worker.GetAsync("/api/v1/offers/offer-1")).Json()).GetProperty("offer").GetProperty("preferences").GetProperty("weights");
        weights.GetProperty("distance").GetDouble().Should().Be(0.5);
        weights.GetProperty("interests").GetDouble().Should().Be(0.5);
        weights.GetProperty("goals").GetDouble().Should().Be(0);

        body["preferences"] = new System.Text.Json.Nodes.JsonObject { ["weights"] = new System.Text.Json.Nodes.JsonObject { ["nearness"] = 1, ["distance"] = -1 } };
        await (await _cms.PutAsJsonAsync("/api/v1/offers/offer-2", body)).ShouldBeValidationProblem("preferences.weights.nearness", "preferences.weights.distance");
        (await _worker.GetAsync("/api/v1/offers/offer-2")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Candidates_ReverseRanking()
    {
        await _factory.SeedPairAsync();
        (await _cms.PutAsJsonAsync("/api/v1/newcomers/nc-far", ApiFactory.NewcomerBody(place: "Brugge"))).EnsureSuccessStatusCode();
        var json = await (await _worker.GetAsync("/api/v1/offers/offer-1/candidates?limit=5&lang=en")).Json();
        json.GetProperty("offerId").GetString().Should().Be("offer-1");
        json.GetProperty("candidates").GetArrayLength().Should().Be(1);
        json.GetProperty("candidates")[0].GetProperty("newcomerId").GetString().Should().Be("nc-1");
        json.GetProperty("excluded").GetProperty("byReason").GetProperty("distance").GetInt32().Should().Be(1);
        await (await _worker.GetAsync("/api/v1/offers/nothing/candidates")).ShouldBeProblem(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Candidates_OfferStatesPreferences_OrderedByItsViewWhichIsExplainedBesideTheNewcomersScore()
    {
        var keen = System.Text.Json.JsonSerializer.SerializeToNode(ApiFactory.NewcomerBody(place: "Merelbeke"))!;
        keen["interests"] = new System.Text.Json.Nodes.JsonArray("care", "cooking");
        var near = System.Text.Json.JsonSerializer.SerializeToNode(ApiFactory.NewcomerBody(place: "Gent"))!;
        near["interests"] = new System.Text.Json.Nodes.JsonArray("football");
        (await _cms.PutAsJsonAsync("/api/v1/newcomers/nc-keen", keen)).EnsureSuccessStatusCode();
        (await _cms.PutAsJsonAsync("/api/v1/newcomers/nc-near", near)).EnsureSuccessStatusCode();
        (await _cms.PutAsJsonAsync("/api/v1/offers/offer-1", ApiFactory.OfferBody())).EnsureSuccessStatusCode();

        var plain = (await (await _worker.GetAsync("/api/v1/offers/offer-1/candidates?lang=en")).Json()).GetProperty("candidates");
        plain.EnumerateArray().Select(c => c.GetProperty("newcomerId").GetString()).Should().Equal("nc-keen", "nc-near");
        plain[0].TryGetProperty("offerSide", out _).Should().BeFalse("an offer without preferences has no view of its own");

        var body = System.Text.Json.JsonSerializer.SerializeToNode(ApiFactory.OfferBody())!;
        body["preferences"] = new System.Text.Json.Nodes.JsonObject { ["weights"] = new System.Text.Json.Nodes.JsonObject { ["distance"] = 1 } };
        (await _cms.PutAsJsonAsync("/api/v1/offers/offer-1", body)).EnsureSuccessStatusCode();
        var ranked = (await (await _worker.GetAsync("/api/v1/offers/offer-1/candidates?lang=en")).Json()).GetProperty("candidates");

        ranked.EnumerateArray().Select(c => c.GetProperty("newcomerId").GetString()).Should().Equal(["nc-near", "nc-keen"], "the offer values nearness only");
        ranked[0].GetProperty("score").GetDouble().Should().BeLessThan(ranked[1].GetProperty("score").GetDouble(), "the score stays the newcomer's side");
        foreach (var candidate in ranked.EnumerateArray())
        {
            var side = candidate.GetProperty("offerSide");
            side.GetProperty("criteria").EnumerateArray().Sum(c => c.GetProperty("contribution").GetDouble()).Should().BeApproximately(side.GetProperty("score").GetDouble(), 1e-9);
            candidate.GetProperty("reasons")[0].GetString().Should().Be("Ranked by this offer's own preferences: distance 100 %.");
        }
        ranked[0].GetProperty("offerSide").GetProperty("score").GetDouble().Should().BeGreaterThan(ranked[1].GetProperty("offerSide").GetProperty("score").GetDouble());
    }

    [Test]
    public async Task Match_FullLifecycle_HoldsAndFreesPlaces()
    {
        await _factory.SeedPairAsync(capacity: 1);
        var id = await ProposeAsync();
        var proposed = await (await _worker.GetAsync($"/api/v1/matches/{id}")).Json();
        proposed.GetProperty("status").GetString().Should().Be("proposed");
        proposed.GetProperty("score").GetDouble().Should().BeGreaterThan(0);
        (await (await Move(id, new { status = "accepted" })).Json()).GetProperty("acceptedAt").ValueKind.Should().NotBe(System.Text.Json.JsonValueKind.Null);
        (await (await _worker.GetAsync("/api/v1/offers/offer-1")).Json()).GetProperty("placesFree").GetInt32().Should().Be(0);
        var suggestions = await (await _worker.GetAsync("/api/v1/newcomers/nc-1/suggestions")).Json();
        suggestions.GetProperty("excluded").GetProperty("byReason").GetProperty("capacity").GetInt32().Should().Be(1, "a full offer is never suggested");
        await (await Move(id, new { status = "started" })).Json();
        var done = await (await Move(id, new { status = "completed", hoursDone = 40 })).Json();
        done.GetProperty("hoursDone").GetInt32().Should().Be(40);
        (await (await _worker.GetAsync("/api/v1/offers/offer-1")).Json()).GetProperty("placesFree").GetInt32().Should().Be(1);
    }

    [Test]
    public async Task Match_IllegalTransitionsAndMissingFields()
    {
        await _factory.SeedPairAsync();
        var id = await ProposeAsync();
        await (await Move(id, new { status = "completed", hoursDone = 40 })).ShouldBeProblem(HttpStatusCode.Conflict);
        await (await Move(id, new { status = "stopped" })).ShouldBeValidationProblem("reason");
        await (await Move(id, new { status = "declined", reason = "bored" })).ShouldBeValidationProblem("reason");
        await (await Move(id, new { status = "teleported" })).ShouldBeValidationProblem("status");
        await (await Move(id, new { status = "accepted", hoursDone = 3 })).ShouldBeValidationProblem("hoursDone");
        var declined = await (await Move(id, new { status = "declined", reason = "newcomerDeclined" })).Json();
        declined.GetProperty("reason").GetString().Should().Be("newcomerDeclined");
        await (await Move(id, new { status = "accepted" })).ShouldBeProblem(HttpStatusCode.Conflict);
        await (await Move("m-unknown", new { status = "accepted" })).ShouldBeProblem(HttpStatusCode.NotFound);
        await (await _worker.GetAsync("/api/v1/matches/m-unknown")).ShouldBeProblem(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Match_BreakingHardConstraint_NeedsAuditedOverride()
    {
        await _factory.SeedPairAsync();
        (await _cms.PutAsJsonAsync("/api/v1/offers/far", ApiFactory.OfferBody(place: "Oostende"))).EnsureSuccessStatusCode();
        var refused = await (await _worker.PostAsJsonAsync("/api/v1/matches", new { newcomerId = "nc-1", offerId = "far" })).ShouldBeProblem(HttpStatusCode.Conflict);
        refused.GetProperty("detail").GetString().Should().Contain("distance");
        var id = await ProposeAsync(extra: new { newcomerId = "nc-1", offerId = "far", @override = new { reason = "Has a car since last week" } });
        (await (await _worker.GetAsync($"/api/v1/matches/{id}")).Json()).GetProperty("overrideReason").GetString().Should().Be("Has a car since last week");
        using var db = new SqliteConnection($"Data Source={_factory.DatabaseFile}");
        db.QuerySingle<string>("SELECT detail FROM audit WHERE action = 'match.override' AND subject_id = @id", new { id }).Should().Be("constraint=distance");
        await (await _worker.PostAsJsonAsync("/api/v1/matches", new { newcomerId = "nc-1", offerId = "far", @override = new { reason = "again" } })).ShouldBeProblem(HttpStatusCode.Conflict);
    }

    [Test]
    public async Task Match_BadBodies()
    {
        await (await _worker.PostAsJsonAsync("/api/v1/matches", new { newcomerId = "bad id!", offerId = "" })).ShouldBeValidationProblem("newcomerId", "offerId");
        await (await _worker.PostAsJsonAsync("/api/v1/matches", new { newcomerId = "nc-9", offerId = "offer-9" })).ShouldBeProblem(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Offers_CapacityBelowHeldOrDeleteWhileHeld_409()
    {
        await _factory.SeedPairAsync(capacity: 2);
        (await _cms.PutAsJsonAsync("/api/v1/newcomers/nc-2", ApiFactory.NewcomerBody())).EnsureSuccessStatusCode();
        await (await Move(await ProposeAsync(), new { status = "accepted" })).Json();
        await (await Move(await ProposeAsync("nc-2"), new { status = "accepted" })).Json();
        await (await _cms.DeleteAsync("/api/v1/offers/offer-1")).ShouldBeProblem(HttpStatusCode.Conflict);
        await (await _cms.PutAsJsonAsync("/api/v1/offers/offer-1", ApiFactory.OfferBody(capacity: 1))).ShouldBeProblem(HttpStatusCode.Conflict);
        (await (await _worker.GetAsync("/api/v1/offers/offer-1")).Json()).GetProperty("offer").GetProperty("capacity").GetInt32().Should().Be(2, "a refused change changes nothing");
        (await _cms.PutAsJsonAsync("/api/v1/newcomers/nc-3", ApiFactory.NewcomerBody())).EnsureSuccessStatusCode();
        var third = await ProposeAsync(extra: new { newcomerId = "nc-3", offerId = "offer-1", @override = new { reason = "waiting list" } });
        await (await Move(third, new { status = "accepted" })).ShouldBeProblem(HttpStatusCode.Conflict);
    }

    [Test]
    public async Task WeightProfiles_PutVersionsAndUse()
    {
        var current = await (await _analyst.GetAsync("/api/v1/weight-profiles/default")).Json();
        current.GetProperty("weights").GetProperty("interests").GetDouble().Should().BeApproximately(0.25, 1e-9);
        var body = new { weights = new { distance = 3, interests = 1 }, description = "distance first" };
        var created = await (await _analyst.PutAsJsonAsync("/api/v1/weight-profiles/near", body)).Json(HttpStatusCode.Created);
        created.GetProperty("version").GetInt32().Should().Be(1);
        created.GetProperty("weights").GetProperty("distance").GetDouble().Should().Be(0.75);
        var updated = await (await _analyst.PutAsJsonAsync("/api/v1/weight-profiles/near", body)).Json();
        updated.GetProperty("version").GetInt32().Should().Be(2);
        var list = await (await _analyst.GetAsync("/api/v1/weight-profiles")).Json();
        list.EnumerateArray().Select(p => p.GetProperty("name").GetString()).Should().Equal("default", "near");
        await _factory.SeedPairAsync();
        var ranked = await (await _worker.GetAsync("/api/v1/newcomers/nc-1/suggestions?profile=near")).Json();
        ranked.GetProperty("profile").GetProperty("name").GetString().Should().Be("near");
        ranked.GetProperty("profile").GetProperty("version").GetInt32().Should().Be(2);
        ranked.GetProperty("suggestions")[0].GetProperty("criteria")[2].GetProperty("weight").GetDouble().Should().Be(0.75);
    }

    [Test]
    public async Task WeightProfiles_Invalid_400_Missing_404()
    {
        await (await _analyst.PutAsJsonAsync("/api/v1/weight-profiles/bad", new { weights = new { nationality = 1.0, distance = -1.0 } }))
            .ShouldBeValidationProblem("weights.nationality", "weights.distance");
        await (await _analyst.PutAsJsonAsync("/api/v1/weight-profiles/bad", new { name = "other", weights = new { distance = 1.0 } })).ShouldBeValidationProblem("name");
        await (await _analyst.GetAsync("/api/v1/weight-profiles/none")).ShouldBeProblem(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Health_LiveAndReady()
    {
        using var anonymous = _factory.Client(null);
        (await anonymous.GetAsync("/health/live")).StatusCode.Should().Be(HttpStatusCode.OK);
        var ready = await anonymous.GetAsync("/health/ready");
        ready.StatusCode.Should().Be(HttpStatusCode.OK);
        (await ready.Content.ReadAsStringAsync()).Should().Be("Healthy");
    }

    [Test]
    public async Task Swagger_DocumentsPathsAndApiKeyScheme()
    {
        using var anonymous = _factory.Client(null);
        var response = await anonymous.GetAsync("/swagger/v1/swagger.json");
        // CI lints this copy with the Redocly CLI's recommended rules (.ci/run).
        await File.WriteAllTextAsync(Path.Combine(TestContext.CurrentContext.WorkDirectory, "openapi.json"), await response.Content.ReadAsStringAsync());
        var doc = await response.Json();
        doc.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey").GetProperty("name").GetString().Should().Be("X-Api-Key");
        var paths = doc.GetProperty("paths");
        foreach (var path in new[] { "/api/v1/newcomers/{id}", "/api/v1/newcomers/{id}/suggestions", "/api/v1/suggestions", "/api/v1/offers",
                     "/api/v1/offers/{id}", "/api/v1/offers/{id}/candidates", "/api/v1/matches", "/api/v1/matches/{id}", "/api/v1/weight-profiles/{name}" })
        {
            paths.TryGetProperty(path, out _).Should().BeTrue(path);
        }
        (await anonymous.GetAsync("/swagger/index.html")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task RateLimit_PerKey_429Problem()
    {
        using var limited = new ApiFactory(settings: new Dictionary<string, string?> { ["RateLimiting:PermitLimit"] = "3", ["RateLimiting:PermitsPerSecond"] = "1" });
        using var client = limited.Client(ApiFactory.CaseWorkerKey);
        using var other = limited.Client(ApiFactory.AnalystKey);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++) statuses.Add((await client.GetAsync("/api/v1/offers")).StatusCode);
        statuses.Should().Contain(HttpStatusCode.TooManyRequests);
        var rejected = await client.GetAsync("/api/v1/offers");
        await rejected.ShouldBeProblem(HttpStatusCode.TooManyRequests);
        (await other.GetAsync("/api/v1/offers")).StatusCode.Should().Be(HttpStatusCode.OK, "the limit is per key");
    }
}
