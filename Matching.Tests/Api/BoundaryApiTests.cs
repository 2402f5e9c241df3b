using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Matching.Tests.Api;

/// <summary>The HTTP boundary: one parser per wire word, the checks made once, and the answers the handlers' types declare.</summary>
public class BoundaryApiTests
{
    private ApiFactory _factory = null!;
    private HttpClient _cms = null!;
    private HttpClient _analyst = null!;

    [SetUp]
    public void SetUp()
    {
        _factory = new ApiFactory();
        _cms = _factory.Client(ApiFactory.CaseManagementKey);
        _analyst = _factory.Client(ApiFactory.AnalystKey);
    }

    [TearDown]
    public void TearDown()
    {
        _cms.Dispose();
        _analyst.Dispose();
        _factory.Dispose();
    }

    private static async Task<string> MessageOf(HttpResponseMessage response, string field) =>
        (await response.ShouldBeValidationProblem(field)).GetProperty(field)[0].GetString()!;

    [Test]
    public async Task Kind_UnknownValue_SameMessageOnEveryEndpoint()
    {
        var list = await MessageOf(await _cms.GetAsync("/api/v1/offers?kind=chess"), "kind");
        var gaps = await MessageOf(await _analyst.GetAsync("/api/v1/reports/gaps?kind=chess"), "kind");
        var suggestions = await MessageOf(await _cms.PostAsJsonAsync("/api/v1/suggestions?kind=chess", new { newcomer = ApiFactory.NewcomerBody() }), "kind");
        var allocation = await MessageOf(await _cms.PostAsJsonAsync("/api/v1/assignments", new { kinds = new[] { "chess" } }), "kinds[0]");

        list.Should().StartWith("Unknown value 'chess'; use buddy, ");
        new[] { gaps, suggestions, allocation }.Should().AllBe(list);
    }

    [TestCase("/api/v1/offers?page=0", "page")]
    [TestCase("/api/v1/offers?pageSize=101", "pageSize")]
    [TestCase("/api/v1/offers?hasPlaces=yes", "hasPlaces")]
    [TestCase("/api/v1/offers?setting=moon", "setting")]
    [TestCase("/api/v1/offers/offer-1/candidates?lang=fr", "lang")]
    [TestCase("/api/v1/offers/offer-1/candidates?limit=abc", "limit")]
    public async Task Query_BadValue_400NamingTheField(string url, string field) =>
        await (await _cms.GetAsync(url)).ShouldBeValidationProblem(field);

    [Test]
    public async Task CreateMatch_BadIdsAndBlankReason_400NamingEachAndNothingWritten()
    {
        var response = await _cms.PostAsJsonAsync("/api/v1/matches", new { newcomerId = "bad id!", offerId = (string?)null, @override = new { reason = "  " } });
        await response.ShouldBeValidationProblem("newcomerId", "offerId", "override.reason");
    }

    [Test]
    public async Task CreateMatch_OverrideWithoutReason_400() =>
        await (await _cms.PostAsJsonAsync("/api/v1/matches", new { newcomerId = "nc-1", offerId = "offer-1", @override = new { } }))
            .ShouldBeValidationProblem("override.reason");

    [TestCase("""{ "status": "finished" }""", "status")]
    [TestCase("""{ "status": "stopped", "reason": "erased" }""", "reason")]
    [TestCase("""{ "status": "completed", "hoursDone": 1001 }""", "hoursDone")]
    [TestCase("""{ }""", "status")]
    public async Task MoveMatch_BadWords_400NamingTheField(string body, string field)
    {
        var response = await _cms.PatchAsync("/api/v1/matches/m-1", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        await response.ShouldBeValidationProblem(field);
    }

    [Test]
    public async Task PutNewcomer_UnknownNestedField_400WithItsPathAndTheImportersWords()
    {
        var body = """{ "dutchLevel": "A2", "location": { "place": "Gent", "street": "Veldstraat 1" } }""";
        var response = await _cms.PutAsync("/api/v1/newcomers/nc-1", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        (await MessageOf(response, "location.street")).Should().Be(Matching.Contracts.JsonInput.UnknownField("street"));
    }

    [Test]
    public async Task OpenApi_AnswersComeFromTheHandlersTypes()
    {
        using var anonymous = _factory.Client(null);
        var doc = await (await anonymous.GetAsync("/swagger/v1/swagger.json")).Json();
        var paths = doc.GetProperty("paths");

        var getNewcomer = paths.GetProperty("/api/v1/newcomers/{id}").GetProperty("get").GetProperty("responses");
        getNewcomer.GetProperty("404").GetProperty("content").TryGetProperty("application/problem+json", out _).Should().BeTrue();
        getNewcomer.GetProperty("400").GetProperty("content").TryGetProperty("application/problem+json", out _).Should().BeTrue();

        var putOffer = paths.GetProperty("/api/v1/offers/{id}").GetProperty("put").GetProperty("responses");
        foreach (var status in new[] { "200", "201", "400", "409", "413", "415" }) putOffer.TryGetProperty(status, out _).Should().BeTrue(status);

        var gaps = paths.GetProperty("/api/v1/reports/gaps").GetProperty("get").GetProperty("responses").GetProperty("200").GetProperty("content");
        gaps.EnumerateObject().Select(p => p.Name).Should().Contain(["application/json", "text/csv"]);
    }
}
