using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace Matching.Tests.Api;

public class NewcomersAndSuggestionsApiTests
{
    private ApiFactory _factory = null!;
    private HttpClient _cms = null!;
    private HttpClient _worker = null!;

    [SetUp]
    public void SetUp()
    {
        _factory = new ApiFactory();
        _cms = _factory.Client(ApiFactory.CaseManagementKey);
        _worker = _factory.Client(ApiFactory.CaseWorkerKey);
    }

    [TearDown]
    public void TearDown()
    {
        _cms.Dispose();
        _worker.Dispose();
        _factory.Dispose();
    }

    [Test]
    public async Task PutNewcomer_New_Created_ThenGet_ReturnsLocationResolved()
    {
        (await _cms.PutAsJsonAsync("/api/v1/newcomers/nc-1", ApiFactory.NewcomerBody())).StatusCode.Should().Be(HttpStatusCode.Created);
        (await _cms.PutAsJsonAsync("/api/v1/newcomers/nc-1", ApiFactory.NewcomerBody(level: "B1"))).StatusCode.Should().Be(HttpStatusCode.OK);
        var json = await (await _cms.GetAsync("/api/v1/newcomers/nc-1")).Json();
        json.GetProperty("dutchLevel").GetString().Should().Be("B1");
        var location = json.GetProperty("location");
        location.GetProperty("place").GetString().Should().Be("Gent");
        location.GetProperty("lat").GetDouble().Should().BeApproximately(51.05, 0.05);
        location.GetProperty("lon").GetDouble().Should().BeApproximately(3.72, 0.05);
    }

    [Test]
    public async Task PutNewcomer_PersonalField_IsRejected_AndNothingStored()
    {
        var body = """{ "dutchLevel": "A2", "name": "Jan Peeters", "location": { "place": "Gent" }, "availability": [ { "day": "tue", "from": "18:00", "to": "21:00" } ] }""";
        var response = await _cms.PutAsync("/api/v1/newcomers/nc-1", new StringContent(body, Encoding.UTF8, "application/json"));
        await response.ShouldBeValidationProblem("name");
        await (await _cms.GetAsync("/api/v1/newcomers/nc-1")).ShouldBeProblem(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task PutNewcomer_UnknownPlace_NamesFieldAndSuggests()
    {
        var response = await _cms.PutAsJsonAsync("/api/v1/newcomers/nc-1", ApiFactory.NewcomerBody(place: "Antwrpen"));
        var errors = await response.ShouldBeValidationProblem("location.place");
        errors.GetProperty("location.place")[0].GetString().Should().Contain("Bedoelde u").And.Contain("Antwerpen");
    }

    [Test]
    public async Task PutNewcomer_SeveralBadFields_EachNamed()
    {
        var body = """
            { "dutchLevel": "Z9", "interests": ["football", "knitting-robots"], "languages": ["xx"], "location": { "lat": 95, "lon": 3 },
              "availability": [ { "day": "tuesday", "from": "21:00", "to": "18:00" } ], "goals": ["money"], "trajectoryEnd": "30/06/2027" }
            """;
        var response = await _cms.PutAsync("/api/v1/newcomers/nc-1", new StringContent(body, Encoding.UTF8, "application/json"));
        await response.ShouldBeValidationProblem("dutchLevel", "interests[1]", "languages[0]", "location.lat", "availability[0].day",
            "availability[0].to", "goals[0]", "trajectoryEnd");
    }

    [Test]
    public async Task PutNewcomer_WrongTypeOfValue_NamesField()
    {
        var body = """{ "dutchLevel": "A2", "maxTravelKm": "far", "location": { "place": "Gent" } }""";
        await (await _cms.PutAsync("/api/v1/newcomers/nc-1", new StringContent(body, Encoding.UTF8, "application/json"))).ShouldBeValidationProblem("maxTravelKm");
    }

    [Test]
    public async Task PutNewcomer_MalformedJson_400()
    {
        var response = await _cms.PutAsync("/api/v1/newcomers/nc-1", new StringContent("{ \"dutchLevel\": ", Encoding.UTF8, "application/json"));
        await response.ShouldBeProblem(HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task PutNewcomer_WrongContentType_415()
    {
        var response = await _cms.PutAsync("/api/v1/newcomers/nc-1", new StringContent("dutchLevel=A2", Encoding.UTF8, "text/plain"));
        await response.ShouldBeProblem(HttpStatusCode.UnsupportedMediaType);
    }

    [Test]
    public async Task PutNewcomer_OversizedBody_413()
    {
        var huge = "{ \"dutchLevel\": \"A2\", \"interests\": [" + string.Join(",", Enumerable.Repeat("\"football\"", 40_000)) + "] }";
        var response = await _cms.PutAsync("/api/v1/newcomers/nc-1", new StringContent(huge, Encoding.UTF8, "application/json"));
        await response.ShouldBeProblem(HttpStatusCode.RequestEntityTooLarge);
    }

    [Test]
    public async Task PutNewcomer_DeeplyNestedJson_400()
    {
        var deep = "{ \"location\": " + new string('[', 100) + new string(']', 100) + " }";
        await (await _cms.PutAsync("/api/v1/newcomers/nc-1", new StringContent(deep, Encoding.UTF8, "application/json"))).ShouldBeProblem(HttpStatusCode.BadRequest);
    }

    [TestCase("has%20space")]
    [TestCase("an-id-that-is-far-too-long-to-be-accepted-by-the-service-because-it-exceeds-64")]
    public async Task PutNewcomer_InvalidId_400(string id) =>
        await (await _cms.PutAsJsonAsync($"/api/v1/newcomers/{id}", ApiFactory.NewcomerBody())).ShouldBeValidationProblem("id");

    [Test]
    public async Task GetNewcomer_Missing_404Problem() => await (await _cms.GetAsync("/api/v1/newcomers/nobody")).ShouldBeProblem(HttpStatusCode.NotFound);

    [Test]
    public async Task Suggestions_StoredNewcomer_RankedAndExplained()
    {
        await _factory.SeedPairAsync();
        var json = await (await _worker.GetAsync("/api/v1/newcomers/nc-1/suggestions?limit=5")).Json();
        json.GetProperty("newcomerId").GetString().Should().Be("nc-1");
        json.GetProperty("profile").GetProperty("name").GetString().Should().Be("default");
        json.GetProperty("profile").GetProperty("version").GetInt32().Should().Be(1);
        var s = json.GetProperty("suggestions")[0];
        s.GetProperty("offerId").GetString().Should().Be("offer-1");
        s.GetProperty("rank").GetInt32().Should().Be(1);
        s.GetProperty("criteria").GetArrayLength().Should().Be(6);
        s.GetProperty("criteria").EnumerateArray().Sum(c => c.GetProperty("contribution").GetDouble()).Should().BeApproximately(s.GetProperty("score").GetDouble(), 1e-9);
        s.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()).Should().Contain("Deelt interesse: koken");
        json.GetProperty("excluded").GetProperty("total").GetInt32().Should().Be(0);
    }

    [Test]
    public async Task Suggestions_English_AndKindFilter()
    {
        await _factory.SeedPairAsync();
        var en = await (await _worker.GetAsync("/api/v1/newcomers/nc-1/suggestions?lang=en")).Json();
        en.GetProperty("suggestions")[0].GetProperty("reasons").EnumerateArray().Select(r => r.GetString()).Should().Contain("Shares interest: cooking");
        var filtered = await (await _worker.GetAsync("/api/v1/newcomers/nc-1/suggestions?kind=buddy,volunteering")).Json();
        filtered.GetProperty("suggestions").GetArrayLength().Should().Be(0);
        filtered.GetProperty("excluded").GetProperty("byReason").GetProperty("kind").GetInt32().Should().Be(1);
    }

    [TestCase("limit=0", "limit")]
    [TestCase("limit=abc", "limit")]
    [TestCase("limit=101", "limit")]
    [TestCase("kind=pizza", "kind")]
    [TestCase("lang=fr", "lang")]
    [TestCase("profile=nope", "profile")]
    public async Task Suggestions_BadQuery_400NamesParameter(string query, string field)
    {
        await _factory.SeedPairAsync();
        await (await _worker.GetAsync($"/api/v1/newcomers/nc-1/suggestions?{query}")).ShouldBeValidationProblem(field);
    }

    [Test]
    public async Task Suggestions_UnknownNewcomer_404() =>
        await (await _worker.GetAsync("/api/v1/newcomers/nobody/suggestions")).ShouldBeProblem(HttpStatusCode.NotFound);

    [Test]
    public async Task InlineSuggestions_RankWithoutStoring()
    {
        await _factory.SeedPairAsync(newcomerId: "someone-else");
        var response = await _worker.PostAsJsonAsync("/api/v1/suggestions?limit=3", new { newcomer = ApiFactory.NewcomerBody() });
        var json = await response.Json();
        json.GetProperty("suggestions")[0].GetProperty("offerId").GetString().Should().Be("offer-1");
        await (await _cms.GetAsync("/api/v1/newcomers/inline")).ShouldBeProblem(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task InlineSuggestions_InvalidNewcomer_FieldsPrefixed()
    {
        var response = await _worker.PostAsJsonAsync("/api/v1/suggestions", new { newcomer = new { dutchLevel = "Q1" } });
        await response.ShouldBeValidationProblem("newcomer.dutchLevel", "newcomer.location", "newcomer.availability");
        await (await _worker.PostAsJsonAsync("/api/v1/suggestions", new { })).ShouldBeValidationProblem("newcomer");
    }
}
