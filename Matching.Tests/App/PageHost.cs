using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Matching.Tests.Api;

namespace Matching.Tests.App;

/// <summary>
/// The real host listening on a free loopback port (a browser cannot reach WebApplicationFactory's in-memory server),
/// over a temp SQLite file with a small demo seed, the test keys and the tests' fixed clock.
/// </summary>
internal sealed class PageHost : IDisposable
{
    private readonly ApiFactory _factory;

    public PageHost()
    {
        _factory = new ApiFactory(settings: new Dictionary<string, string?>
        {
            ["Demo:Seed"] = "true",
            ["Demo:Newcomers"] = "300",
            ["Demo:Offers"] = "120",
        });
        var port = FreePort();
        _factory.UseKestrel(port);
        _factory.StartServer();
        BaseUrl = $"http://localhost:{port}";
    }

    public string BaseUrl { get; }

    public IServiceProvider Services => _factory.Services;

    /// <summary>A plain HTTP client with its own cookie jar, not following redirects: to post what a browser would not.</summary>
    public HttpClient Client(CookieContainer cookies) =>
        new(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = new Uri(BaseUrl) };

    /// <summary>Signs a plain client in with a key through the sign-in form (token included) and returns it.</summary>
    public async Task<HttpClient> SignedInClientAsync(string key)
    {
        var client = Client(new CookieContainer());
        var token = Token(await client.GetStringAsync("/app/login"));
        var response = await client.PostAsync("/app/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login", ["__RequestVerificationToken"] = token, ["Form.Key"] = key,
        }));
        response.StatusCode.Should().Be(HttpStatusCode.Redirect, "the sign-in form accepts a configured key");
        return client;
    }

    /// <summary>The antiforgery token of the first form on a page.</summary>
    public static string Token(string html) =>
        Regex.Match(html, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value is { Length: > 0 } token
            ? token : throw new AssertionException("The page has no antiforgery token.");

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose() => _factory.Dispose();
}
