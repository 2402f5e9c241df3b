using System.Net;
using Matching.Service;
using Matching.Tests.Api;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Matching.Tests.App;

/// <summary>
/// What the page refuses, sent as a browser never would (no browser needed): forms without the antiforgery token, a
/// role posting what it may not, unknown keys; and the session cookie's and the answers' security attributes.
/// </summary>
public class PageSecurityTests
{
    private static ApiFactory _factory = null!;

    [OneTimeSetUp]
    public static async Task Start()
    {
        _factory = new ApiFactory();
        await _factory.SeedPairAsync("nc-1", "offer-1");
        using var cms = _factory.Client(ApiFactory.CaseManagementKey);
        (await System.Net.Http.Json.HttpClientJsonExtensions.PutAsJsonAsync(cms, "/api/v1/offers/offer-far", ApiFactory.OfferBody(place: "Oostende"))).EnsureSuccessStatusCode();
    }

    [OneTimeTearDown]
    public static void Stop() => _factory.Dispose();

    private static HttpClient Browserless(bool https = false) => _factory.CreateClient(new WebApplicationFactoryClientOptions
    {
        AllowAutoRedirect = false, HandleCookies = true, BaseAddress = new Uri(https ? "https://localhost" : "http://localhost"),
    });

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string key, bool withToken = true)
    {
        var fields = new Dictionary<string, string> { ["_handler"] = "login", ["Form.Key"] = key };
        if (withToken) fields["__RequestVerificationToken"] = PageHost.Token(await client.GetStringAsync("/app/login"));
        return await client.PostAsync("/app/login", new FormUrlEncodedContent(fields));
    }

    private static IReadOnlyList<MatchRecord> MatchesOfNc1() => _factory.Services.GetRequiredService<MatchesService>().OfNewcomer("nc-1");

    [Test]
    public async Task SignIn_WithAKey_SetsAnHttpOnlyStrictCookieScopedToTheApp_SecureOverHttps()
    {
        using var http = Browserless();
        var response = await SignInAsync(http, ApiFactory.CaseWorkerKey);
        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("matching.session=", StringComparison.Ordinal));
        cookie.Should().Contain("httponly").And.Contain("samesite=strict").And.Contain("path=/app").And.NotContain("secure");
        cookie.Should().NotContain(ApiFactory.CaseWorkerKey, "the cookie carries the key's roles, never the key");

        using var https = Browserless(https: true);
        var secure = await SignInAsync(https, ApiFactory.CaseWorkerKey);
        secure.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("matching.session=", StringComparison.Ordinal)).Should().Contain("secure");
    }

    [Test]
    public async Task SignIn_WithAnUnknownKey_400_AndNoSession()
    {
        using var http = Browserless();
        var response = await SignInAsync(http, "not-a-key-at-all-xxxxxxxxxxxx");
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Headers.TryGetValues("Set-Cookie", out var cookies);
        (cookies ?? []).Should().NotContain(c => c.StartsWith("matching.session=", StringComparison.Ordinal));
        (await http.GetAsync("/app")).Headers.Location!.ToString().Should().EndWith("/app/login");
    }

    [Test]
    public async Task SignIn_WithoutTheAntiforgeryToken_400_AndNoSession()
    {
        using var http = Browserless();
        var response = await SignInAsync(http, ApiFactory.CaseWorkerKey, withToken: false);
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await http.GetAsync("/app")).StatusCode.Should().Be(HttpStatusCode.Redirect, "nobody was signed in");
    }

    [Test]
    public async Task ProposeForm_WithoutTheAntiforgeryToken_400_AndNothingWritten()
    {
        using var http = Browserless();
        await SignInAsync(http, ApiFactory.CaseWorkerKey);
        var before = MatchesOfNc1().Count;
        var response = await http.PostAsync("/app/newcomers?id=nc-1", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "propose", ["offer"] = "offer-1",
        }));
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        MatchesOfNc1().Should().HaveCount(before);
    }

    [Test]
    public async Task ProposeForm_FromAnAnalystWithAValidToken_403_AndNothingWritten()
    {
        using var http = Browserless();
        await SignInAsync(http, ApiFactory.AnalystKey);
        var refused = await http.GetAsync("/app/newcomers?id=nc-1");
        refused.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        var html = await refused.Content.ReadAsStringAsync();
        html.Should().NotContain("name=\"offer\"", "a role that may not propose gets no button");
        var before = MatchesOfNc1().Count;
        var response = await http.PostAsync("/app/newcomers?id=nc-1", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "propose", ["offer"] = "offer-1", ["__RequestVerificationToken"] = PageHost.Token(html),
        }));
        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        MatchesOfNc1().Should().HaveCount(before);
    }

    [Test]
    public async Task ProposeForm_FromACaseWorkerWithTheToken_ProposesOnce()
    {
        using var http = Browserless();
        await SignInAsync(http, ApiFactory.CaseWorkerKey);
        var html = await http.GetStringAsync("/app/newcomers?id=nc-1");
        var before = MatchesOfNc1().Count(m => m.Status == "proposed" && m.OfferId == "offer-1");
        var response = await http.PostAsync("/app/newcomers?id=nc-1", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "propose", ["offer"] = "offer-1", ["__RequestVerificationToken"] = PageHost.Token(html),
        }));
        response.StatusCode.Should().BeOneOf(HttpStatusCode.OK, HttpStatusCode.Conflict);
        MatchesOfNc1().Count(m => m.Status == "proposed" && m.OfferId == "offer-1").Should().Be(Math.Max(before, 1), "a second open match of the same pair is refused");
    }

    [Test]
    public async Task ProposeOther_PairBreakingAHardConstraint_409UntilAReasonIsGiven_ThenStoredWithIt()
    {
        using var http = Browserless();
        await SignInAsync(http, ApiFactory.CaseWorkerKey);
        async Task<HttpResponseMessage> Propose(string reason) => await http.PostAsync("/app/newcomers?id=nc-1", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "propose-other", ["offer"] = "offer-far", ["override"] = reason,
            ["__RequestVerificationToken"] = PageHost.Token(await http.GetStringAsync("/app/newcomers?id=nc-1")),
        }));

        var refused = await Propose("");
        refused.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await refused.Content.ReadAsStringAsync()).Should().Contain("harde voorwaarde &#x27;distance&#x27;", "the screen names the broken constraint, in Dutch");
        MatchesOfNc1().Should().NotContain(m => m.OfferId == "offer-far");

        var accepted = await Propose("Has a car; agreed with the organisation.");
        accepted.StatusCode.Should().Be(HttpStatusCode.OK);
        MatchesOfNc1().Should().ContainSingle(m => m.OfferId == "offer-far").Which.OverrideReason.Should().Be("Has a car; agreed with the organisation.");
    }

    [Test]
    public async Task SignOut_WithoutTheAntiforgeryToken_400_AndStillSignedIn()
    {
        using var http = Browserless();
        await SignInAsync(http, ApiFactory.CaseWorkerKey);
        (await http.PostAsync("/app/logout", new FormUrlEncodedContent([]))).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await http.GetAsync("/app")).StatusCode.Should().Be(HttpStatusCode.OK);

        var token = PageHost.Token(await http.GetStringAsync("/app"));
        var signedOut = await http.PostAsync("/app/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        signedOut.StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await http.GetAsync("/app")).StatusCode.Should().Be(HttpStatusCode.Redirect, "the session ended");
    }

    [Test]
    public async Task AppAnswers_CarryAContentSecurityPolicyWithoutInlineScript()
    {
        using var http = Browserless();
        var response = await http.GetAsync("/app/login");
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        policy.Should().Contain("default-src 'none'").And.Contain("script-src 'self'").And.Contain("form-action 'self'").And.NotContain("unsafe-inline");
        response.Headers.CacheControl!.NoStore.Should().BeTrue();
    }

    [Test]
    public async Task GapsCsv_ForAnAnalyst_IsTheReportsCsv_ForACaseWorker403()
    {
        using var analyst = Browserless();
        await SignInAsync(analyst, ApiFactory.AnalystKey);
        var csv = await analyst.GetAsync("/app/gaps.csv?groupBy=province");
        csv.StatusCode.Should().Be(HttpStatusCode.OK);
        csv.Content.Headers.ContentType!.MediaType.Should().Be("text/csv");
        (await csv.Content.ReadAsStringAsync()).Should().StartWith("area,nis,province,kind,");
        (await analyst.GetAsync("/app/gaps.csv?kind=nonsense")).StatusCode.Should().Be(HttpStatusCode.BadRequest);

        using var worker = Browserless();
        await SignInAsync(worker, ApiFactory.CaseWorkerKey);
        (await worker.GetAsync("/app/gaps.csv")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }
}
