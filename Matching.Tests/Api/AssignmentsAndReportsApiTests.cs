using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Matching.Tests.Api;

public class AssignmentsAndReportsApiTests
{
    private ApiFactory _factory = null!;
    private HttpClient _cms = null!;
    private HttpClient _analyst = null!;

    [SetUp]
    public async Task SetUp()
    {
        _factory = new ApiFactory();
        _cms = _factory.Client(ApiFactory.CaseManagementKey);
        _analyst = _factory.Client(ApiFactory.AnalystKey);
        // Three newcomers in Gent, one in Oostende; one offer in Gent with 2 places, one full-time-incompatible offer.
        foreach (var id in new[] { "nc-a", "nc-b", "nc-c" }) (await _cms.PutAsJsonAsync($"/api/v1/newcomers/{id}", ApiFactory.NewcomerBody())).EnsureSuccessStatusCode();
        (await _cms.PutAsJsonAsync("/api/v1/newcomers/nc-far", ApiFactory.NewcomerBody(place: "Oostende"))).EnsureSuccessStatusCode();
        (await _cms.PutAsJsonAsync("/api/v1/offers/gent-2", ApiFactory.OfferBody(capacity: 2))).EnsureSuccessStatusCode();
    }

    [TearDown]
    public void TearDown()
    {
        _cms.Dispose();
        _analyst.Dispose();
        _factory.Dispose();
    }

    private static long Count(ApiFactory f, string sql)
    {
        using var db = new SqliteConnection($"Data Source={f.DatabaseFile}");
        return db.ExecuteScalar<long>(sql);
    }

    [TestCase("optimal")]
    [TestCase("stable")]
    [TestCase("greedy")]
    public async Task Propose_ThenConfirm_AcceptedMatchesInOneGo(string mode)
    {
        var plan = await (await _cms.PostAsJsonAsync("/api/v1/assignments", new { mode })).Json(HttpStatusCode.Created);
        plan.GetProperty("mode").GetString().Should().Be(mode);
        plan.GetProperty("placed").GetInt32().Should().Be(2);
        var assignments = plan.GetProperty("assignments");
        assignments.EnumerateArray().Should().OnlyContain(a => a.GetProperty("offerId").GetString() == "gent-2");
        assignments[0].GetProperty("criteria").GetArrayLength().Should().Be(6);
        assignments[0].GetProperty("reasons").GetArrayLength().Should().BeGreaterThan(0);
        var unassigned = plan.GetProperty("unassigned").EnumerateArray().ToDictionary(u => u.GetProperty("newcomerId").GetString()!, u => u.GetProperty("reason").GetString());
        unassigned.Should().HaveCount(2);
        unassigned["nc-far"].Should().Be("noFeasibleOffer");
        unassigned.Values.Should().Contain("feasibleOffersTaken");
        Count(_factory, "SELECT COUNT(*) FROM matches").Should().Be(0, "a proposal holds nothing");

        var id = plan.GetProperty("id").GetString();
        (await (await _cms.GetAsync($"/api/v1/assignments/{id}")).Json()).GetProperty("status").GetString().Should().Be("proposed");
        var matches = await (await _cms.PostAsync($"/api/v1/assignments/{id}/confirm", null)).Json();
        matches.GetArrayLength().Should().Be(2);
        matches.EnumerateArray().Should().OnlyContain(m => m.GetProperty("status").GetString() == "accepted");
        (await (await _cms.GetAsync("/api/v1/offers/gent-2")).Json()).GetProperty("placesFree").GetInt32().Should().Be(0);
        (await (await _cms.GetAsync($"/api/v1/assignments/{id}")).Json()).GetProperty("status").GetString().Should().Be("confirmed");
        await (await _cms.PostAsync($"/api/v1/assignments/{id}/confirm", null)).ShouldBeProblem(HttpStatusCode.Conflict);
    }

    [Test]
    public async Task Confirm_AfterAPlaceWasTaken_ChangesNothing()
    {
        var plan = await (await _cms.PostAsJsonAsync("/api/v1/assignments", new { newcomerIds = new[] { "nc-a", "nc-b" } })).Json(HttpStatusCode.Created);
        plan.GetProperty("placed").GetInt32().Should().Be(2);
        // Meanwhile a case worker gives one of the two places to nc-c.
        var match = await (await _cms.PostAsJsonAsync("/api/v1/matches", new { newcomerId = "nc-c", offerId = "gent-2" })).Json(HttpStatusCode.Created);
        await (await _cms.PatchAsJsonAsync($"/api/v1/matches/{match.GetProperty("id").GetString()}", new { status = "accepted" })).Json();

        var refused = await (await _cms.PostAsync($"/api/v1/assignments/{plan.GetProperty("id").GetString()}/confirm", null)).ShouldBeProblem(HttpStatusCode.Conflict);
        refused.GetProperty("detail").GetString().Should().Contain("gent-2");
        Count(_factory, "SELECT COUNT(*) FROM matches WHERE status = 'accepted'").Should().Be(1, "all or nothing");
        Count(_factory, "SELECT COUNT(*) FROM assignments WHERE status = 'proposed'").Should().Be(1);
    }

    [Test]
    public async Task Propose_BadInput_NamesFields()
    {
        await (await _cms.PostAsJsonAsync("/api/v1/assignments", new { mode = "best", kinds = new[] { "party" }, candidatesPerNewcomer = 0, profile = "none" }))
            .ShouldBeValidationProblem("mode", "kinds[0]", "candidatesPerNewcomer", "profile");
        await (await _cms.PostAsJsonAsync("/api/v1/assignments", new { newcomerIds = new[] { "nobody", "bad id" } })).ShouldBeValidationProblem("newcomerIds[0]", "newcomerIds[1]");
        await (await _cms.GetAsync("/api/v1/assignments/a-none")).ShouldBeProblem(HttpStatusCode.NotFound);
        await (await _cms.PostAsync("/api/v1/assignments/a-none/confirm", null)).ShouldBeProblem(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Propose_ABodyOverTheSingleDocumentLimit_ReadUpToTheCohortsOwnLimit()
    {
        // 100,001 ids are about 1 MB: past the 256 KiB of a single document, but the cohort's own limit decides.
        var ids = Enumerable.Range(0, 100_001).Select(i => $"nc-{i}").ToArray();
        await (await _cms.PostAsJsonAsync("/api/v1/assignments", new { newcomerIds = ids })).ShouldBeValidationProblem("newcomerIds");

        var huge = new StringContent($"{{\"newcomerIds\":[\"{new string('x', 9 * 1024 * 1024)}\"]}}", System.Text.Encoding.UTF8, "application/json");
        await (await _cms.PostAsync("/api/v1/assignments", huge)).ShouldBeProblem(HttpStatusCode.RequestEntityTooLarge);
    }

    [Test]
    public async Task Gaps_ByMunicipality_JsonAndCsv()
    {
        var report = await (await _analyst.GetAsync("/api/v1/reports/gaps?kind=languageInternship")).Json();
        report.GetProperty("groupBy").GetString().Should().Be("municipality");
        var rows = report.GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("area").GetString()!);
        var gent = rows["Gent"];
        gent.GetProperty("nis").GetString().Should().Be("44021");
        gent.GetProperty("province").GetString().Should().Be("VOV");
        gent.GetProperty("newcomersWaiting").GetInt32().Should().Be(3);
        gent.GetProperty("places").GetInt32().Should().Be(2);
        gent.GetProperty("unplacedAfterOptimal").GetInt32().Should().Be(1);
        gent.GetProperty("placeableWithExtraPlaces").GetInt32().Should().Be(1);
        var oostende = rows["Oostende"];
        oostende.GetProperty("needNewOffers").GetInt32().Should().Be(1);
        oostende.GetProperty("offers").GetInt32().Should().Be(0);
        report.GetProperty("rows")[0].GetProperty("area").GetString().Should().Be("Gent", "the area where extra places help most comes first");

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/reports/gaps?groupBy=province&kind=languageInternship");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        var csv = await _analyst.SendAsync(request);
        csv.Content.Headers.ContentType!.MediaType.Should().Be("text/csv");
        var lines = (await csv.Content.ReadAsStringAsync()).TrimEnd('\n').Split('\n');
        lines[0].Should().StartWith("area,nis,province,kind,newcomersWaiting");
        lines.Should().Contain("VOV,,VOV,languageInternship,3,3,1,2,0,1,1,0");
    }

    [Test]
    public async Task Gaps_ByMunicipality_CountsAMunicipalityMergedIn2025UnderItsNisCode()
    {
        var kortessem = ApiFactory.NewcomerBody();
        var body = System.Text.Json.JsonSerializer.SerializeToNode(kortessem)!.AsObject();
        body["location"] = new System.Text.Json.Nodes.JsonObject { ["postcode"] = "3720" };
        (await _cms.PutAsJsonAsync("/api/v1/newcomers/nc-kortessem", body)).EnsureSuccessStatusCode();
        body["location"] = new System.Text.Json.Nodes.JsonObject { ["lat"] = 0.0, ["lon"] = 0.0 };
        (await _cms.PutAsJsonAsync("/api/v1/newcomers/nc-abroad", body)).EnsureSuccessStatusCode();

        var report = await (await _analyst.GetAsync("/api/v1/reports/gaps?groupBy=municipality&kind=buddy")).Json();

        var rows = report.GetProperty("rows").EnumerateArray().ToList();
        var hasselt = rows.Single(r => r.TryGetProperty("nis", out var nis) && nis.GetString() == "71072");
        hasselt.GetProperty("area").GetString().Should().Be("Hasselt");
        hasselt.GetProperty("province").GetString().Should().Be("VLI");
        hasselt.GetProperty("newcomersWaiting").GetInt32().Should().Be(1);
        rows.Should().NotContain(r => r.GetProperty("area").GetString() == "Kortessem");
        rows.Single(r => r.GetProperty("area").GetString() == "unknown").GetProperty("newcomersWaiting").GetInt32().Should().Be(1);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/reports/gaps?kind=buddy");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        var csv = await (await _analyst.SendAsync(request)).Content.ReadAsStringAsync();
        csv.Split('\n').Should().Contain(l => l.StartsWith("Hasselt,71072,VLI,buddy,1,", StringComparison.Ordinal));
    }

    [Test]
    public async Task Gaps_BadQuery_400() =>
        await (await _analyst.GetAsync("/api/v1/reports/gaps?groupBy=street&kind=x")).ShouldBeValidationProblem("groupBy", "kind");
}
