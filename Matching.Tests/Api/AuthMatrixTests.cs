using System.Net;
using System.Net.Http.Json;

namespace Matching.Tests.Api;

/// <summary>Every endpoint × no key, a wrong key, and each role that may not call it.</summary>
public class AuthMatrixTests
{
    private static ApiFactory _factory = null!;

    [OneTimeSetUp]
    public static void Start() => _factory = new ApiFactory();

    [OneTimeTearDown]
    public static void Stop() => _factory.Dispose();

    private static readonly (string Role, string Key)[] Keys =
    [
        ("caseManagement", ApiFactory.CaseManagementKey), ("caseWorker", ApiFactory.CaseWorkerKey),
        ("analyst", ApiFactory.AnalystKey), ("admin", ApiFactory.AdminKey),
    ];

    // method, path, body, roles allowed
    private static readonly (string Method, string Path, object? Body, string[] Allowed)[] Endpoints =
    [
        ("PUT", "/api/v1/newcomers/nc-1", ApiFactory.NewcomerBody(), ["caseManagement", "admin"]),
        ("GET", "/api/v1/newcomers/nc-1", null, ["caseManagement", "caseWorker", "admin"]),
        ("DELETE", "/api/v1/newcomers/nc-1", null, ["caseManagement", "admin"]),
        ("GET", "/api/v1/newcomers/nc-1/suggestions", null, ["caseWorker", "caseManagement", "admin"]),
        ("POST", "/api/v1/suggestions", new { newcomer = ApiFactory.NewcomerBody() }, ["caseWorker", "caseManagement", "admin"]),
        ("GET", "/api/v1/offers", null, ["caseManagement", "caseWorker", "analyst", "admin"]),
        ("PUT", "/api/v1/offers/offer-1", ApiFactory.OfferBody(), ["caseManagement", "admin"]),
        ("GET", "/api/v1/offers/offer-1", null, ["caseManagement", "caseWorker", "analyst", "admin"]),
        ("DELETE", "/api/v1/offers/offer-1", null, ["caseManagement", "admin"]),
        ("GET", "/api/v1/offers/offer-1/candidates", null, ["caseWorker", "caseManagement", "admin"]),
        ("POST", "/api/v1/matches", new { newcomerId = "nc-1", offerId = "offer-1" }, ["caseWorker", "caseManagement", "admin"]),
        ("GET", "/api/v1/matches/m-1", null, ["caseWorker", "caseManagement", "admin"]),
        ("PATCH", "/api/v1/matches/m-1", new { status = "accepted" }, ["caseWorker", "caseManagement", "admin"]),
        ("GET", "/api/v1/weight-profiles", null, ["analyst", "caseWorker", "caseManagement", "admin"]),
        ("GET", "/api/v1/weight-profiles/default", null, ["analyst", "caseWorker", "caseManagement", "admin"]),
        ("PUT", "/api/v1/weight-profiles/p1", new { weights = new { distance = 1 } }, ["analyst", "admin"]),
        ("POST", "/api/v1/assignments", new { mode = "greedy" }, ["caseWorker", "caseManagement", "admin"]),
        ("GET", "/api/v1/assignments/a-1", null, ["caseWorker", "caseManagement", "admin"]),
        ("POST", "/api/v1/assignments/a-1/confirm", null, ["caseWorker", "caseManagement", "admin"]),
        ("GET", "/api/v1/reports/gaps", null, ["analyst", "admin"]),
        ("GET", "/api/v1/audit", null, ["admin"]),
    ];

    private static IEnumerable<TestCaseData> Cases()
    {
        foreach (var (method, path, body, allowed) in Endpoints)
        {
            yield return new TestCaseData(method, path, body, null, HttpStatusCode.Unauthorized).SetName($"{method} {path} no key → 401");
            yield return new TestCaseData(method, path, body, "not-a-key-at-all-xxxxxxxxxxxx", HttpStatusCode.Unauthorized).SetName($"{method} {path} wrong key → 401");
            foreach (var (role, key) in Keys.Where(k => !allowed.Contains(k.Role)))
            {
                yield return new TestCaseData(method, path, body, key, HttpStatusCode.Forbidden).SetName($"{method} {path} {role} → 403");
            }
            var (okRole, okKey) = Keys.First(k => allowed.Contains(k.Role));
            yield return new TestCaseData(method, path, body, okKey, null).SetName($"{method} {path} {okRole} → allowed");
        }
    }

    [TestCaseSource(nameof(Cases))]
    public async Task Endpoint_Key_Status(string method, string path, object? body, string? key, HttpStatusCode? expected)
    {
        using var client = _factory.Client(key);
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null) request.Content = JsonContent.Create(body);
        var response = await client.SendAsync(request);
        if (expected is { } status)
        {
            await response.ShouldBeProblem(status);
        }
        else
        {
            response.StatusCode.Should().NotBe(HttpStatusCode.Unauthorized).And.NotBe(HttpStatusCode.Forbidden);
            ((int)response.StatusCode).Should().BeLessThan(500);
        }
    }
}
