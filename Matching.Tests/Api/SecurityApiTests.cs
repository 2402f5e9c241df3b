using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Matching.Service;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Matching.Tests.Api;

public class SecurityApiTests
{
    private static string Sha256(string key) => "sha256:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key))).ToLowerInvariant();

    [Test]
    public async Task ApiKey_ConfiguredAsHash_Authenticates()
    {
        const string secret = "a-secret-only-the-caller-knows-123";
        using var factory = new ApiFactory(settings: new Dictionary<string, string?>
        {
            ["Auth:ApiKeys:4:Name"] = "hashed", ["Auth:ApiKeys:4:KeyHash"] = Sha256(secret), ["Auth:ApiKeys:4:Roles:0"] = "analyst",
        });
        using var client = factory.Client(secret);
        (await client.GetAsync("/api/v1/weight-profiles")).StatusCode.Should().Be(HttpStatusCode.OK);
        using var wrong = factory.Client(secret + "x");
        await (await wrong.GetAsync("/api/v1/weight-profiles")).ShouldBeProblem(HttpStatusCode.Unauthorized);
    }

    [TestCase("Key", "demo-admin-key-0004", "demo key")]
    [TestCase("KeyHash", "sha256:not-hex", "KeyHash")]
    public void Start_BadKeyConfiguration_Refused(string field, string value, string expected)
    {
        var failure = ApiFactory.StartFailure(() => new ApiFactory(settings: new Dictionary<string, string?>
        {
            ["Auth:ApiKeys:4:Name"] = "bad", [$"Auth:ApiKeys:4:{field}"] = value, ["Auth:ApiKeys:4:Roles:0"] = "admin",
        }));
        failure.Should().BeOfType<OptionsValidationException>().Which.Message.Should().Contain(expected);
    }

    [Test]
    public void Start_KeyAndHashBoth_Refused()
    {
        var failure = ApiFactory.StartFailure(() => new ApiFactory(settings: new Dictionary<string, string?>
        {
            ["Auth:ApiKeys:4:Name"] = "both", ["Auth:ApiKeys:4:Key"] = "another-secret-key-0123456",
            ["Auth:ApiKeys:4:KeyHash"] = Sha256("another-secret-key-0123456"), ["Auth:ApiKeys:4:Roles:0"] = "admin",
        }));
        failure.Should().BeOfType<OptionsValidationException>().Which.Message.Should().Contain("exactly one of Key and KeyHash");
    }

    [Test]
    public async Task Responses_CarrySecurityHeaders()
    {
        using var factory = new ApiFactory();
        using var client = factory.Client(ApiFactory.CaseWorkerKey);
        foreach (var response in new[] { await client.GetAsync("/api/v1/offers"), await client.GetAsync("/api/v1/offers/nothing") })
        {
            response.Headers.GetValues("X-Content-Type-Options").Should().Equal("nosniff");
            response.Headers.GetValues("X-Frame-Options").Should().Equal("DENY");
            response.Headers.GetValues("Referrer-Policy").Should().Equal("no-referrer");
            response.Headers.GetValues("Content-Security-Policy").Single().Should().StartWith("default-src 'none'");
            response.Headers.CacheControl!.NoStore.Should().BeTrue();
        }
    }

    [Test]
    public async Task Swagger_OffUnlessSwitchedOn()
    {
        using var factory = new ApiFactory(settings: new Dictionary<string, string?> { ["Swagger:Enabled"] = null });
        using var client = factory.Client(null);
        (await client.GetAsync("/swagger/v1/swagger.json")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await client.GetAsync("/swagger/index.html")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Audit_AdminReadsWhoDidWhat_WithoutPersonalAttributes()
    {
        using var factory = new ApiFactory();
        await factory.SeedPairAsync();
        using var admin = factory.Client(ApiFactory.AdminKey);
        var body = await (await admin.GetAsync("/api/v1/audit?limit=10")).Content.ReadAsStringAsync();
        var entries = System.Text.Json.JsonDocument.Parse(body).RootElement;
        entries.EnumerateArray().Select(e => (e.GetProperty("actor").GetString(), e.GetProperty("action").GetString(), e.GetProperty("subjectId").GetString()))
            .Should().Contain(("cms", "newcomer.created", "nc-1")).And.Contain(("cms", "offer.created", "offer-1"));
        foreach (var attribute in new[] { "A2", "Gent", "football", "1994", "female", "ar" })
        {
            body.Should().NotContain($"\"{attribute}\"", "the audit trail holds ids and actions only");
        }
        var first = entries.EnumerateArray().Last().GetProperty("id").GetInt64();
        (await (await admin.GetAsync($"/api/v1/audit?before={first}")).Json()).GetArrayLength().Should().Be(0);
        await (await admin.GetAsync("/api/v1/audit?limit=0&before=x")).ShouldBeValidationProblem("limit", "before");
        using var analyst = factory.Client(ApiFactory.AnalystKey);
        await (await analyst.GetAsync("/api/v1/audit")).ShouldBeProblem(HttpStatusCode.Forbidden);
    }

    [Test]
    public async Task Retention_ErasesNewcomersWhoseTrajectoryEndedLongAgo()
    {
        using var factory = new ApiFactory();
        using var cms = factory.Client(ApiFactory.CaseManagementKey);
        // Today is 2026-11-02 in the tests' clock.
        var old = System.Text.Json.JsonSerializer.SerializeToNode(ApiFactory.NewcomerBody())!;
        old["trajectoryEnd"] = "2025-10-31";
        (await cms.PutAsJsonAsync("/api/v1/newcomers/nc-old", old)).EnsureSuccessStatusCode();
        var recent = System.Text.Json.JsonSerializer.SerializeToNode(ApiFactory.NewcomerBody())!;
        recent["trajectoryEnd"] = "2025-11-03";
        (await cms.PutAsJsonAsync("/api/v1/newcomers/nc-recent", recent)).EnsureSuccessStatusCode();
        (await cms.PutAsJsonAsync("/api/v1/newcomers/nc-open", ApiFactory.NewcomerBody())).EnsureSuccessStatusCode();

        factory.Services.GetRequiredService<NewcomersService>().EraseEndedTrajectories(12).Should().Be(1);

        await (await cms.GetAsync("/api/v1/newcomers/nc-old")).ShouldBeProblem(HttpStatusCode.NotFound);
        (await cms.GetAsync("/api/v1/newcomers/nc-recent")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await cms.GetAsync("/api/v1/newcomers/nc-open")).StatusCode.Should().Be(HttpStatusCode.OK);
    }
}
