using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Matching.Tests.Api;

/// <summary>
/// A string where the contract declares a number ("15" for 15) is refused the way an unknown field is: a 400 problem
/// naming the field and saying it wants a number, with nothing stored. The OpenAPI document types these as numbers.
/// </summary>
public class NumbersAsStringsApiTests
{
    private static ApiFactory _factory = null!;
    private static HttpClient _admin = null!;
    private static string _matchId = "";

    [OneTimeSetUp]
    public static async Task Start()
    {
        _factory = new ApiFactory();
        _admin = _factory.Client(ApiFactory.AdminKey);
        await _factory.SeedPairAsync();
        var match = await (await _admin.PostAsJsonAsync("/api/v1/matches", new { newcomerId = "nc-1", offerId = "offer-1" })).Json(HttpStatusCode.Created);
        _matchId = match.GetProperty("id").GetString()!;
    }

    [OneTimeTearDown]
    public static void Stop()
    {
        _admin.Dispose();
        _factory.Dispose();
    }

    private static JsonObject Node(object value) => JsonSerializer.SerializeToNode(value)!.AsObject();

    private static readonly object Profile = new { weights = new { distance = 2, interests = 1, goals = 1.5 }, levelTolerance = 1, distance = new { scaleKm = 10 } };

    private static IEnumerable<TestCaseData> Cases()
    {
        TestCaseData Case(string method, string path, Func<object> body, string field) =>
            new TestCaseData(method, path, body, field).SetName($"{method} {path} {field} as a string → 400 naming it");

        // A new newcomer and an update of a stored one: neither is written.
        yield return Case("PUT", "/api/v1/newcomers/nc-2", () => ApiFactory.NewcomerBody(), "maxTravelKm");
        yield return Case("PUT", "/api/v1/newcomers/nc-1", () => ApiFactory.NewcomerBody(), "birthYear");
        yield return Case("PUT", "/api/v1/newcomers/nc-2", () => new { dutchLevel = "A2", location = new { lat = 51.05, lon = 3.72 } }, "location.lat");
        yield return Case("PUT", "/api/v1/offers/offer-2", () => ApiFactory.OfferBody(), "capacity");
        yield return Case("PUT", "/api/v1/offers/offer-1", () => ApiFactory.OfferBody(), "hours");
        yield return Case("PUT", "/api/v1/weight-profiles/p-strings", () => Profile, "weights.goals");
        yield return Case("PUT", "/api/v1/weight-profiles/p-strings", () => Profile, "levelTolerance");
        yield return Case("PUT", "/api/v1/weight-profiles/p-strings", () => Profile, "distance.scaleKm");
        yield return Case("PATCH", "/api/v1/matches/{match}", () => new { status = "stopped", hoursDone = 12, reason = "work" }, "hoursDone");
        yield return Case("POST", "/api/v1/suggestions", () => new { newcomer = ApiFactory.NewcomerBody() }, "newcomer.maxTravelKm");
        yield return Case("POST", "/api/v1/assignments", () => new { mode = "greedy", candidatesPerNewcomer = 5 }, "candidatesPerNewcomer");
    }

    [TestCaseSource(nameof(Cases))]
    public async Task Request_NumberSentAsString_400NamingTheField_NothingStored(string method, string path, Func<object> body, string field)
    {
        var json = Node(body());
        var (parent, name) = Walk(json, field);
        var number = parent[name]!.AsValue();
        number.GetValueKind().Should().Be(JsonValueKind.Number, "the template holds a number there");
        parent[name] = number.ToJsonString();
        using var before = DatabaseSnapshot.Open(_factory.DatabaseFile);
        var hash = DatabaseSnapshot.Hash(before);

        using var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{match}", _matchId, StringComparison.Ordinal))
        {
            Content = new StringContent(json.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        var response = await _admin.SendAsync(request);

        var errors = await response.ShouldBeValidationProblem(field);
        errors.GetProperty(field)[0].GetString().Should().Contain("number");
        using var after = DatabaseSnapshot.Open(_factory.DatabaseFile);
        DatabaseSnapshot.Hash(after).Should().Be(hash, "a refused request stores nothing");
    }

    [Test]
    public async Task StoredDocuments_WrittenByTheApi_ReadBackAfterARestart()
    {
        // Strict numbers must not lock out what the API itself stored: a fresh host loads the index from the documents.
        string file;
        using (var first = new ApiFactory())
        {
            await first.SeedPairAsync();
            using var analyst = first.Client(ApiFactory.AnalystKey);
            (await analyst.PutAsJsonAsync("/api/v1/weight-profiles/p-numbers", Profile)).StatusCode.Should().Be(HttpStatusCode.Created);
            file = first.DatabaseFile;
        }
        using var second = new ApiFactory(file);
        using var admin = second.Client(ApiFactory.AdminKey);

        (await (await admin.GetAsync("/api/v1/newcomers/nc-1")).Json()).GetProperty("maxTravelKm").GetDouble().Should().Be(15);
        (await (await admin.GetAsync("/api/v1/offers/offer-1")).Json()).GetProperty("offer").GetProperty("capacity").GetInt32().Should().Be(2);
        (await (await admin.GetAsync("/api/v1/weight-profiles/p-numbers")).Json()).GetProperty("levelTolerance").GetInt32().Should().Be(1);
        (await (await admin.GetAsync("/api/v1/newcomers/nc-1/suggestions")).Json()).GetProperty("suggestions").GetArrayLength().Should().Be(1);
    }

    private static (JsonObject Parent, string Name) Walk(JsonObject root, string field)
    {
        var parts = field.Split('.');
        var node = root;
        foreach (var part in parts[..^1]) node = node[part]!.AsObject();
        return (node, parts[^1]);
    }
}
