using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Matching.Tests.Api;

/// <summary>
/// The real service stopped with SIGTERM while writers and readers run: every answered request is answered without a
/// 5xx, every acknowledged write is there after a restart, and the process ends by itself, cleanly.
/// </summary>
[Category("Process")]
[NonParallelizable]
public class ShutdownTests() : ApiProcessTests("matching-shutdown-")
{
    private const int Workers = 8;

    [Test]
    public async Task SigTerm_UnderLoad_No5xx_KeepsEveryAcknowledgedWrite_AndExitsCleanly()
    {
        Api = await ApiProcess.StartAsync(Path.Combine(Folder, "matching.db"));
        using (var setup = Api.Client())
        {
            (await setup.PutAsJsonAsync("/api/v1/offers/offer-1", ApiFactory.OfferBody(capacity: 100))).EnsureSuccessStatusCode();
            (await setup.PutAsJsonAsync("/api/v1/newcomers/nc-reader", ApiFactory.NewcomerBody())).EnsureSuccessStatusCode();
        }

        var statuses = new ConcurrentBag<HttpStatusCode>();
        var acknowledged = new ConcurrentBag<string>();
        var unanswered = 0;
        using var client = Api.Client(TimeSpan.FromSeconds(30));
        var exited = new CancellationTokenSource();
        async Task Work(int worker)
        {
            for (var i = 0; !exited.IsCancellationRequested; i++)
            {
                var id = $"nc-{worker}-{i}";
                try
                {
                    using var response = i % 2 == 0
                        ? await client.PutAsJsonAsync($"/api/v1/newcomers/{id}", ApiFactory.NewcomerBody())
                        : await client.GetAsync("/api/v1/newcomers/nc-reader/suggestions");
                    statuses.Add(response.StatusCode);
                    if (i % 2 == 0 && response.IsSuccessStatusCode) acknowledged.Add(id);
                }
                catch (HttpRequestException)
                {
                    // Refused or cut once the listener closed: no answer, so nothing was promised.
                    Interlocked.Increment(ref unanswered);
                    await Task.Delay(20);
                }
            }
        }
        var load = Enumerable.Range(0, Workers).Select(w => Task.Run(() => Work(w))).ToArray();
        await WaitForAsync(() => acknowledged.Count >= 40);

        Api.Terminate();
        var exitCode = await Api.WaitForExitAsync(TimeSpan.FromSeconds(40));
        await exited.CancelAsync();
        await Task.WhenAll(load);

        exitCode.Should().Be(0, $"SIGTERM drains and stops the host by itself. Output:\n{Api.Output()}");
        statuses.Should().NotContain(s => (int)s >= 500, $"{statuses.Count} answered, {unanswered} unanswered");
        Api.Output().Should().NotContainAny(["Unhandled exception", "fail:", "crit:"]);

        Api.Kill();
        await Api.StartAgainAsync();
        using var check = Api.Client();
        foreach (var id in acknowledged)
        {
            (await check.GetAsync($"/api/v1/newcomers/{id}")).StatusCode.Should().Be(HttpStatusCode.OK, $"{id} was acknowledged before the stop");
        }
    }

    [Test]
    public async Task JsonLogs_OnARequest_OneJsonObjectPerLineWithTheRequestsTraceId()
    {
        Api = await ApiProcess.StartAsync(Path.Combine(Folder, "matching.db"), new Dictionary<string, string>
        {
            ["Telemetry__Logs"] = "json",
            ["Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information",
        });
        using var client = Api.Client();
        (await client.GetAsync("/api/v1/offers/offer-none")).StatusCode.Should().Be(HttpStatusCode.NotFound);

        await WaitForAsync(() => Api.Output().Contains("offer-none", StringComparison.Ordinal));
        var line = Api.Output().Split('\n').First(l => l.Contains("offer-none", StringComparison.Ordinal));
        using var json = JsonDocument.Parse(line);
        json.RootElement.GetProperty("Category").GetString().Should().StartWith("Microsoft.AspNetCore.Hosting");
        var scopes = json.RootElement.GetProperty("Scopes").EnumerateArray().Where(s => s.ValueKind == JsonValueKind.Object).ToList();
        scopes.Should().Contain(s => s.EnumerateObject().Any(p => p.Name == "TraceId" && p.Value.GetString()!.Length == 32));
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 300 && !condition(); i++) await Task.Delay(50);
        condition().Should().BeTrue("the condition should have held within 15 s");
    }
}
