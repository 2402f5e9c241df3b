using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Matching.Tests.Api;

/// <summary>
/// Logs hold ids and actions, never a newcomer's attributes: the scan itself catches them, a line planted through a
/// host's logger is caught, and a tour of every resource with a newcomer's attributes leaves none in any line.
/// (<see cref="LogPrivacySetUp"/> checks the same over every API test of the run.)
/// </summary>
public class LogPrivacyTests
{
    [Test]
    public void Scan_LineWithANewcomersAttributes_FindsEachValue()
    {
        LogCapture.Scan("Newcomer nc-1 stored: A2, Gent, born 1994, speaks ar, likes Football and cooking.")
            .Should().BeEquivalentTo("A2", "Gent", "1994", "ar", "Football", "cooking");
        LogCapture.Scan("Request finished HTTP/1.1 PUT http://localhost/api/v1/newcomers/nc-1 - 201 (match.accepted offer=offer-1)").Should().BeEmpty();
        LogCapture.Scan("Request starting HTTP/1.1 POST http://localhost/api/v1/assignments/%ED%A0%80/confirm").Should().BeEmpty();
    }

    [Test]
    public void Capture_LinePlantedThroughAHostsLogger_IsCaught()
    {
        using var factory = new ApiFactory();
        factory.CreateClient().Dispose();
        var marker = "planted-" + Guid.NewGuid().ToString("N");
        factory.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Matching.Planted").LogInformation("{Marker} level {Level} in {Place}", marker, "B1", "Oostende");

        LogCapture.Instance.Take(marker).Select(v => v.Token).Should().BeEquivalentTo("B1", "Oostende");
    }

    [Test]
    public async Task EveryResource_WithANewcomersAttributes_NoLogLineHoldsThem()
    {
        var before = LogCapture.Instance.Violations.Count;
        var linesBefore = LogCapture.Instance.Lines;
        using var factory = new ApiFactory(settings: new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Debug", ["Logging:LogLevel:Microsoft.AspNetCore"] = "Information" });
        using var cms = factory.Client(ApiFactory.CaseManagementKey);
        using var worker = factory.Client(ApiFactory.CaseWorkerKey);
        using var admin = factory.Client(ApiFactory.AdminKey);
        await factory.SeedPairAsync(capacity: 1);
        (await cms.PutAsJsonAsync("/api/v1/newcomers/nc-2", ApiFactory.NewcomerBody(place: "Brugge", level: "B1"))).EnsureSuccessStatusCode();
        (await cms.PutAsJsonAsync("/api/v1/newcomers/nc-bad", ApiFactory.NewcomerBody(place: "Gentt"))).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await cms.GetAsync("/api/v1/newcomers/nc-1")).EnsureSuccessStatusCode();
        (await worker.GetAsync("/api/v1/newcomers/nc-1/suggestions?lang=en")).EnsureSuccessStatusCode();
        (await worker.PostAsJsonAsync("/api/v1/suggestions", new { newcomer = ApiFactory.NewcomerBody(place: "Antwerpen") })).EnsureSuccessStatusCode();
        (await cms.GetAsync("/api/v1/offers/offer-1/candidates")).EnsureSuccessStatusCode();
        var match = await (await worker.PostAsJsonAsync("/api/v1/matches", new { newcomerId = "nc-1", offerId = "offer-1" })).Json(HttpStatusCode.Created);
        (await worker.PatchAsJsonAsync($"/api/v1/matches/{match.GetProperty("id").GetString()}", new { status = "accepted" })).EnsureSuccessStatusCode();
        (await cms.PostAsJsonAsync("/api/v1/assignments", new { mode = "optimal" })).EnsureSuccessStatusCode();
        (await admin.GetAsync("/api/v1/reports/gaps")).EnsureSuccessStatusCode();
        (await admin.GetAsync("/api/v1/audit")).StatusCode.Should().NotBe(HttpStatusCode.InternalServerError);
        (await cms.DeleteAsync("/api/v1/newcomers/nc-2")).EnsureSuccessStatusCode();

        LogCapture.Instance.Lines.Should().BeGreaterThan(linesBefore + 20, "the host logged these requests");
        LogCapture.Instance.Violations.Skip(before).Should().BeEmpty();
    }
}
