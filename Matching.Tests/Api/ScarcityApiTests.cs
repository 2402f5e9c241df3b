using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Matching.Api.Infrastructure;
using Matching.Service;
using Matching.Tests.Service;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Matching.Tests.Api;

public class ScarcityApiTests
{
    [Test]
    public async Task Scarcity_NoneComputed_EmptyListing_ThenRecompute_ThenTheSameListingOnEveryInstance()
    {
        using var a = new ApiFactory();
        using var b = new ApiFactory(a.DatabaseFile);
        using var cms = a.Client(ApiFactory.CaseManagementKey);
        using var analyst = a.Client(ApiFactory.AnalystKey);
        using var workerOnB = b.Client(ApiFactory.CaseWorkerKey);
        foreach (var id in new[] { "nc-1", "nc-2", "nc-3", "nc-4" }) (await cms.PutAsJsonAsync($"/api/v1/newcomers/{id}", ApiFactory.NewcomerBody())).EnsureSuccessStatusCode();
        (await cms.PutAsJsonAsync("/api/v1/offers/offer-1", ApiFactory.OfferBody(capacity: 1))).EnsureSuccessStatusCode();

        (await (await workerOnB.GetAsync("/api/v1/offers/offer-1")).Json()).TryGetProperty("scarcity", out _).Should().BeFalse("no prices yet");
        var before = await (await workerOnB.GetAsync("/api/v1/scarcity")).Json();
        before.GetProperty("offers").GetArrayLength().Should().Be(0);
        before.TryGetProperty("computedAt", out _).Should().BeFalse("nothing was computed yet");

        var computed = await (await analyst.PostAsync("/api/v1/scarcity:recompute", null)).Json();
        computed.GetProperty("computedBy").GetString().Should().Be("analyst");
        computed.GetProperty("inputs").GetProperty("recentNewcomers").GetInt32().Should().Be(4);
        var offer = computed.GetProperty("offers")[0];
        offer.GetProperty("offerId").GetString().Should().Be("offer-1");
        offer.GetProperty("price").GetDouble().Should().BePositive("about thirteen newcomers are expected for one place");
        offer.GetProperty("placesFree").GetInt32().Should().Be(1);

        var onB = await (await workerOnB.GetAsync("/api/v1/scarcity")).Json();
        onB.GetRawText().Should().Be(computed.GetRawText(), "every instance serves the one stored set");
        var offerOnB = (await (await workerOnB.GetAsync("/api/v1/offers/offer-1")).Json()).GetProperty("scarcity");
        offerOnB.GetProperty("price").GetDouble().Should().Be(offer.GetProperty("price").GetDouble(), "the offer's read shows its price");
        offerOnB.GetProperty("expectedCandidates").GetDouble().Should().Be(offer.GetProperty("expectedCandidates").GetDouble());
    }

    [Test]
    public async Task Assignments_Dynamic_NoPricesYet_409_ThenStoredWithinCapacity()
    {
        using var factory = new ApiFactory();
        using var cms = factory.Client(ApiFactory.CaseManagementKey);
        using var analyst = factory.Client(ApiFactory.AnalystKey);
        foreach (var id in new[] { "nc-1", "nc-2", "nc-3", "nc-4" }) (await cms.PutAsJsonAsync($"/api/v1/newcomers/{id}", ApiFactory.NewcomerBody())).EnsureSuccessStatusCode();
        (await cms.PutAsJsonAsync("/api/v1/offers/offer-1", ApiFactory.OfferBody(capacity: 1))).EnsureSuccessStatusCode();
        (await cms.PutAsJsonAsync("/api/v1/offers/offer-2", ApiFactory.OfferBody(capacity: 2, place: "Merelbeke"))).EnsureSuccessStatusCode();

        await (await cms.PostAsJsonAsync("/api/v1/assignments", new { mode = "dynamic" })).ShouldBeProblem(HttpStatusCode.Conflict);

        (await analyst.PostAsync("/api/v1/scarcity:recompute", null)).EnsureSuccessStatusCode();
        var proposal = await (await cms.PostAsJsonAsync("/api/v1/assignments", new { mode = "dynamic" })).Json(HttpStatusCode.Created);
        proposal.GetProperty("mode").GetString().Should().Be("dynamic");
        var assignments = proposal.GetProperty("assignments").EnumerateArray().Select(a => a.GetProperty("offerId").GetString()).ToList();
        assignments.Count(o => o == "offer-1").Should().BeLessThanOrEqualTo(1);
        assignments.Count(o => o == "offer-2").Should().BeLessThanOrEqualTo(2);
        var unassigned = proposal.GetProperty("unassigned").EnumerateArray().Select(u => u.GetProperty("reason").GetString()).ToList();
        (assignments.Count + unassigned.Count).Should().Be(4);
        unassigned.Should().OnlyContain(r => r == "feasibleOffersTaken" || r == "heldForLater");

        var stored = await (await cms.GetAsync($"/api/v1/assignments/{proposal.GetProperty("id").GetString()}")).Json();
        stored.GetProperty("mode").GetString().Should().Be("dynamic", "the proposal is stored with its mode");
        (await cms.PostAsync($"/api/v1/assignments/{proposal.GetProperty("id").GetString()}/confirm", null)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task Suggestions_ScarcityTrue_WithAScarceProfile_ShowTheAdjustmentLine_BadSwitch400()
    {
        using var factory = new ApiFactory();
        using var cms = factory.Client(ApiFactory.CaseManagementKey);
        using var analyst = factory.Client(ApiFactory.AnalystKey);
        using var worker = factory.Client(ApiFactory.CaseWorkerKey);
        foreach (var id in new[] { "nc-1", "nc-2", "nc-3" }) (await cms.PutAsJsonAsync($"/api/v1/newcomers/{id}", ApiFactory.NewcomerBody())).EnsureSuccessStatusCode();
        (await cms.PutAsJsonAsync("/api/v1/offers/offer-1", ApiFactory.OfferBody(capacity: 1))).EnsureSuccessStatusCode();
        (await analyst.PutAsJsonAsync("/api/v1/weight-profiles/scarce", new { weights = new { language = 1, interests = 1, distance = 1, availability = 1 }, scarcityWeight = 0.5 })).EnsureSuccessStatusCode();
        (await analyst.PostAsync("/api/v1/scarcity:recompute", null)).EnsureSuccessStatusCode();

        await (await worker.GetAsync("/api/v1/newcomers/nc-1/suggestions?scarcity=maybe")).ShouldBeValidationProblem("scarcity");
        await (await worker.PostAsJsonAsync("/api/v1/suggestions?scarcity=1", new { newcomer = ApiFactory.NewcomerBody() })).ShouldBeValidationProblem("scarcity");

        var json = await (await worker.GetAsync("/api/v1/newcomers/nc-1/suggestions?scarcity=true&profile=scarce&lang=en")).Json();
        var first = json.GetProperty("suggestions")[0];
        var line = first.GetProperty("scarcity");
        line.GetProperty("weight").GetDouble().Should().Be(0.5);
        var contributions = first.GetProperty("criteria").EnumerateArray().Sum(c => c.GetProperty("contribution").GetDouble());
        (contributions + line.GetProperty("adjustment").GetDouble()).Should().BeApproximately(line.GetProperty("orderingValue").GetDouble(), 1e-9);
        first.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()).Should().Contain(r => r!.StartsWith("In demand: 1 free place", StringComparison.Ordinal));

        var plain = await (await worker.GetAsync("/api/v1/newcomers/nc-1/suggestions?profile=scarce")).Json();
        plain.GetProperty("suggestions")[0].TryGetProperty("scarcity", out _).Should().BeFalse("without scarcity=true nothing changes");
    }

    [Test]
    public async Task Recompute_CaseWorker_Forbidden_NothingStored()
    {
        using var factory = new ApiFactory();
        using var worker = factory.Client(ApiFactory.CaseWorkerKey);

        await (await worker.PostAsync("/api/v1/scarcity:recompute", null)).ShouldBeProblem(HttpStatusCode.Forbidden);

        (await (await worker.GetAsync("/api/v1/scarcity")).Json()).GetProperty("offers").GetArrayLength().Should().Be(0);
    }

    [Test]
    public async Task ScarcityJob_Interval_FirstPassAfterStart_ThenOncePerInterval()
    {
        using var fixture = new ServiceFixture();
        fixture.SeedPair(capacity: 1);
        var service = new ScarcityService(fixture.Store, fixture.Profiles);
        var lifetime = new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance);
        var schedule = new FakeTimeProvider();
        using var job = new ScarcityJob(service, Options.Create(new ScarcityOptions { RecomputeIntervalMinutes = 60 }), schedule, lifetime, NullLogger<ScarcityJob>.Instance);
        await job.StartAsync(CancellationToken.None);
        try
        {
            lifetime.NotifyStarted();
            await Eventually(() => service.Current() is not null);
            var first = service.Current()!.Id;

            fixture.Clock.Advance(TimeSpan.FromMinutes(1)); // a later computed_at, so that "the latest" is the next pass
            schedule.Advance(TimeSpan.FromMinutes(59));
            service.Current()!.Id.Should().Be(first, "the hour has not passed");
            schedule.Advance(TimeSpan.FromMinutes(1));
            await Eventually(() => service.Current()!.Id != first);
            service.Current()!.ComputedBy.Should().Be("scheduler");
        }
        finally
        {
            await job.StopAsync(CancellationToken.None);
            lifetime.StopApplication();
        }
    }

    /// <summary>Waits for a pass the fake clock made due; the bound only stops a hang.</summary>
    private static async Task Eventually(Func<bool> condition)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            if (waited.Elapsed > TimeSpan.FromSeconds(30)) Assert.Fail("The job's pass was not observed within 30 seconds.");
            await Task.Delay(10);
        }
    }
}
