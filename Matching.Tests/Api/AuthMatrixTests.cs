using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;

namespace Matching.Tests.Api;

/// <summary>
/// Who may call what. The endpoints' authorization policies are the rule; the README's role table is generated from
/// them (and checked here), and every operation is sent with no key, a wrong key and each role's key, expecting what
/// its policy says: so the table, the metadata and what the running host enforces cannot drift apart.
/// </summary>
public class AuthMatrixTests
{
    private static ApiFactory _factory = null!;
    private static IReadOnlyList<Operation> _operations = [];

    [OneTimeSetUp]
    public static async Task Start()
    {
        _factory = new ApiFactory();
        _operations = await RoleTable.OperationsAsync(_factory.Services);
    }

    [OneTimeTearDown]
    public static void Stop() => _factory.Dispose();

    private static readonly Dictionary<string, string> KeyOf = new()
    {
        ["caseManagement"] = ApiFactory.CaseManagementKey, ["caseWorker"] = ApiFactory.CaseWorkerKey,
        ["analyst"] = ApiFactory.AnalystKey, ["admin"] = ApiFactory.AdminKey,
    };

    // Every operation that needs a key, with a body its handler can read; the route's parameters become "t-1".
    private static readonly (string Method, string Path, object? Body)[] Requests =
    [
        ("PUT", "/api/v1/newcomers/{id}", ApiFactory.NewcomerBody()),
        ("GET", "/api/v1/newcomers/{id}", null),
        ("DELETE", "/api/v1/newcomers/{id}", null),
        ("GET", "/api/v1/newcomers/{id}/suggestions", null),
        ("POST", "/api/v1/suggestions", new { newcomer = ApiFactory.NewcomerBody() }),
        ("GET", "/api/v1/offers", null),
        ("PUT", "/api/v1/offers/{id}", ApiFactory.OfferBody()),
        ("GET", "/api/v1/offers/{id}", null),
        ("DELETE", "/api/v1/offers/{id}", null),
        ("GET", "/api/v1/offers/{id}/candidates", null),
        ("POST", "/api/v1/matches", new { newcomerId = "t-1", offerId = "t-1" }),
        ("GET", "/api/v1/matches/{id}", null),
        ("PATCH", "/api/v1/matches/{id}", new { status = "accepted" }),
        ("GET", "/api/v1/weight-profiles", null),
        ("GET", "/api/v1/weight-profiles/{name}", null),
        ("PUT", "/api/v1/weight-profiles/{name}", new { weights = new { distance = 1 } }),
        ("POST", "/api/v1/assignments", new { mode = "greedy" }),
        ("GET", "/api/v1/assignments/{id}", null),
        ("POST", "/api/v1/assignments/{id}/confirm", null),
        ("GET", "/api/v1/reports/gaps", null),
        ("GET", "/api/v1/audit", null),
        ("POST", "/api/v1/newcomers:import", System.Array.Empty<object>()),
        ("POST", "/api/v1/offers:import", System.Array.Empty<object>()),
        ("GET", "/api/v1/newcomers", null),
        ("GET", "/api/v1/scarcity", null),
        ("POST", "/api/v1/scarcity:recompute", null),
    ];

    private static IEnumerable<TestCaseData> Anonymous() => Requests.SelectMany(r => new[]
    {
        new TestCaseData(r.Method, r.Path, r.Body, null).SetName($"{r.Method} {r.Path} no key → 401"),
        new TestCaseData(r.Method, r.Path, r.Body, "not-a-key-at-all-xxxxxxxxxxxx").SetName($"{r.Method} {r.Path} wrong key → 401"),
    });

    private static IEnumerable<TestCaseData> EveryRole() => Requests.SelectMany(r =>
        KeyOf.Keys.Select(role => new TestCaseData(r.Method, r.Path, r.Body, role).SetName($"{r.Method} {r.Path} {role} → as its policy says")));

    [TestCaseSource(nameof(Anonymous))]
    public async Task Operation_NoKeyOrWrongKey_401(string method, string path, object? body, string? key)
    {
        var response = await SendAsync(method, path, body, key);

        await response.ShouldBeProblem(HttpStatusCode.Unauthorized);
    }

    [TestCaseSource(nameof(EveryRole))]
    public async Task Operation_RoleKey_403UnlessItsPolicyAllowsTheRole(string method, string path, object? body, string role)
    {
        var operation = _operations.Single(o => o.Method == method && o.Path == path);

        var response = await SendAsync(method, path, body, KeyOf[role]);

        if (!operation.Roles.Contains(role))
        {
            await response.ShouldBeProblem(HttpStatusCode.Forbidden);
        }
        else
        {
            response.StatusCode.Should().NotBe(HttpStatusCode.Unauthorized).And.NotBe(HttpStatusCode.Forbidden);
            ((int)response.StatusCode).Should().BeLessThan(500);
        }
    }

    [Test]
    public void Requests_CoverEveryOperationThatNeedsAKey()
    {
        var needKey = _operations.Where(o => !o.Open).Select(o => $"{o.Method} {o.Path}");

        Requests.Select(r => $"{r.Method} {r.Path}").Should().BeEquivalentTo(needKey, "every operation that needs a key is in the matrix (add a request for a new one)");
        _operations.Where(o => o.Path.StartsWith("/api/", StringComparison.Ordinal)).Should().OnlyContain(o => !o.Open, "nothing under /api is open");
        _operations.Should().OnlyContain(o => o.Roles.Contains("admin"), "admin may do everything");
    }

    [Test]
    public void Readme_RoleTable_IsTheOneTheEndpointsPoliciesGive()
    {
        var expected = RoleTable.Markdown(_operations);
        var readme = File.ReadAllText(RoleTable.ReadmePath()).ReplaceLineEndings("\n");
        var begin = readme.IndexOf(RoleTable.Begin, StringComparison.Ordinal);
        var end = readme.IndexOf(RoleTable.End, StringComparison.Ordinal);
        var actual = begin >= 0 && end > begin ? readme[(begin + RoleTable.Begin.Length)..end].Trim('\n') + "\n" : "(no table between the markers)";

        if (actual != expected)
        {
            Assert.Fail($"README.md's role table, between {RoleTable.Begin} and {RoleTable.End}, is generated from the endpoints' " +
                $"authorization policies and differs from them. Change the policy, or paste this table between the markers:\n\n{expected}");
        }
    }

    private static async Task<HttpResponseMessage> SendAsync(string method, string path, object? body, string? key)
    {
        using var client = _factory.Client(key);
        using var request = new HttpRequestMessage(new HttpMethod(method), Regex.Replace(path, "{[^}]+}", "t-1"));
        if (body is not null) request.Content = JsonContent.Create(body);
        return await client.SendAsync(request);
    }
}
