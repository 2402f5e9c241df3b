using System.Net;
using Matching.Api.App;
using Matching.Tests.Api;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Matching.Tests.App;

/// <summary>
/// Several instances behind one load balancer: with <c>App:KeyRingPath</c> on one shared folder a session begun on one
/// instance is honoured by another, and with separate folders it is not (so the setting is what decides).
/// </summary>
public class KeyRingTests
{
    private readonly List<IDisposable> _owned = [];

    [TearDown]
    public void TearDown()
    {
        foreach (var owned in Enumerable.Reverse(_owned)) owned.Dispose();
        _owned.Clear();
    }

    [Test]
    public async Task Session_BegunOnOneInstance_HonouredByAnotherSharingTheKeyRingFolder()
    {
        var folder = Folder();
        var (first, second) = TwoInstances(folder, folder);

        var cookie = await SignInAsync(first);

        Directory.EnumerateFiles(folder, "key-*.xml").Should().NotBeEmpty("the ring is kept in the shared folder");
        (await SignedInAsync(second, cookie)).Should().BeTrue();
    }

    [Test]
    public async Task Session_BegunOnOneInstance_RefusedByAnotherWithItsOwnKeyRing()
    {
        var (first, second) = TwoInstances(Folder(), Folder());

        var cookie = await SignInAsync(first);

        (await SignedInAsync(first, cookie)).Should().BeTrue("the instance that sealed the session reads it");
        (await SignedInAsync(second, cookie)).Should().BeFalse("an unreadable session is no session");
    }

    private (ApiFactory First, ApiFactory Second) TwoInstances(string firstRing, string secondRing)
    {
        var first = new ApiFactory(settings: new Dictionary<string, string?> { [AppHosting.KeyRingPathSetting] = firstRing });
        _owned.Add(first);
        var second = new ApiFactory(first.DatabaseFile, new Dictionary<string, string?> { [AppHosting.KeyRingPathSetting] = secondRing });
        _owned.Add(second);
        return (first, second);
    }

    private string Folder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "matching-tests", Guid.NewGuid().ToString("N"), "keys");
        _owned.Add(new Deleted(folder));
        return folder;
    }

    /// <summary>Signs in with the case worker's key on the instance and returns the session cookie's name=value.</summary>
    private static async Task<string> SignInAsync(ApiFactory instance)
    {
        using var client = instance.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var fields = new Dictionary<string, string>
        {
            ["_handler"] = "login", ["Form.Key"] = ApiFactory.CaseWorkerKey,
            ["__RequestVerificationToken"] = PageHost.Token(await client.GetStringAsync("/app/login")),
        };
        var response = await client.PostAsync("/app/login", new FormUrlEncodedContent(fields));
        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        return response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("matching.session=", StringComparison.Ordinal)).Split(';')[0];
    }

    /// <summary>Whether the instance reads the cookie as a session: a screen then opens with the sign-out form, not a redirect to the sign-in.</summary>
    private static async Task<bool> SignedInAsync(ApiFactory instance, string cookie)
    {
        using var client = instance.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/app/newcomers");
        request.Headers.Add("Cookie", cookie);
        var response = await client.SendAsync(request);
        if (response.StatusCode == HttpStatusCode.Redirect) return false; // to the sign-in
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return (await response.Content.ReadAsStringAsync()).Contains("action=\"/app/logout\"", StringComparison.Ordinal);
    }

    private sealed class Deleted(string folder) : IDisposable
    {
        public void Dispose()
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }
}
