using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Matching.Api.Infrastructure;
using Matching.Diagnostics;
using Matching.Service;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Matching.Tests.Api;

/// <summary>
/// Each of the service's metrics moves as it should, read through OpenTelemetry's in-memory exporter wired with the
/// host's own meter and source lists; and the spans of one request share its trace.
/// </summary>
public class TelemetryApiTests
{
    private readonly List<MetricSnapshot> _metrics = [];
    private readonly List<Activity> _spans = [];
    private ApiFactory _api = null!;
    private WebApplicationFactory<Program> _host = null!;
    private HttpClient _cms = null!;
    private HttpClient _worker = null!;

    [SetUp]
    public void SetUp()
    {
        _metrics.Clear();
        _spans.Clear();
        (_api, _host) = Host();
        _cms = Client(_host, ApiFactory.CaseManagementKey);
        _worker = Client(_host, ApiFactory.CaseWorkerKey);
    }

    [TearDown]
    public void TearDown()
    {
        _cms.Dispose();
        _worker.Dispose();
        _host.Dispose();
        _api.Dispose();
    }

    /// <summary>
    /// A host whose metrics and spans reach the in-memory exporters. With Prometheus on, the host's own exporter is
    /// left alone (its scrape endpoint finds it only as the provider's one reader).
    /// </summary>
    private (ApiFactory Api, WebApplicationFactory<Program> Host) Host(IDictionary<string, string?>? settings = null)
    {
        var api = new ApiFactory(settings: settings);
        if (settings?.ContainsKey("Telemetry:Prometheus:Enabled") == true) return (api, api);
        var host = api.WithWebHostBuilder(b => b.ConfigureServices(services => services.AddOpenTelemetry()
            .WithMetrics(m => m.AddMatchingMeters().AddInMemoryExporter(_metrics))
            .WithTracing(t => t.AddMatchingSources().AddInMemoryExporter(_spans))));
        return (api, host);
    }

    private static HttpClient Client(WebApplicationFactory<Program> host, string? key)
    {
        var client = host.CreateClient();
        if (key is not null) client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    /// <summary>The metric's points now, cumulative since the host started.</summary>
    private List<MetricPoint> Points(string name, params (string Key, string Value)[] tags)
    {
        _metrics.Clear();
        _host.Services.GetRequiredService<MeterProvider>().ForceFlush().Should().BeTrue();
        var points = new List<MetricPoint>();
        foreach (var metric in _metrics.Where(m => m.Name == name))
        {
            foreach (var point in metric.MetricPoints)
            {
                var pointTags = new Dictionary<string, object?>();
                foreach (var tag in point.Tags) pointTags[tag.Key] = tag.Value;
                if (tags.All(t => Equals(pointTags.GetValueOrDefault(t.Key), t.Value))) points.Add(point);
            }
        }
        return points;
    }

    private long Sum(string name, params (string, string)[] tags) => Points(name, tags).Sum(p => p.GetSumLong());

    private long HistogramCount(string name, params (string, string)[] tags) => Points(name, tags).Sum(p => p.GetHistogramCount());

    private async Task SeedAsync(int capacity = 1)
    {
        foreach (var id in new[] { "nc-1", "nc-2" }) (await _cms.PutAsJsonAsync($"/api/v1/newcomers/{id}", ApiFactory.NewcomerBody())).EnsureSuccessStatusCode();
        (await _cms.PutAsJsonAsync("/api/v1/offers/offer-1", ApiFactory.OfferBody(capacity))).EnsureSuccessStatusCode();
        (await _cms.PutAsJsonAsync("/api/v1/offers/far", ApiFactory.OfferBody(place: "Oostende"))).EnsureSuccessStatusCode();
    }

    [Test]
    public async Task Suggestions_OneRequest_RecordsOneDurationTheServedAndTheExclusionsByReason()
    {
        await SeedAsync();
        var body = await (await _worker.GetAsync("/api/v1/newcomers/nc-1/suggestions")).Json();

        HistogramCount("matching.suggestions.duration", ("matching.ranking", "newcomer")).Should().Be(1);
        Points("matching.suggestions.duration").Single().GetHistogramSum().Should().BeGreaterThan(0);
        Sum("matching.suggestions.served", ("matching.ranking", "newcomer")).Should().Be(body.GetProperty("suggestions").GetArrayLength()).And.Be(1);
        var byReason = body.GetProperty("excluded").GetProperty("byReason");
        byReason.EnumerateObject().Should().NotBeEmpty("the offer in Oostende is too far");
        foreach (var reason in byReason.EnumerateObject())
        {
            Sum("matching.suggestions.exclusions", ("matching.exclusion.reason", reason.Name)).Should().Be(reason.Value.GetInt32());
        }

        (await _worker.PostAsJsonAsync("/api/v1/suggestions", new { newcomer = ApiFactory.NewcomerBody() })).EnsureSuccessStatusCode();
        (await _cms.GetAsync("/api/v1/offers/offer-1/candidates")).EnsureSuccessStatusCode();
        HistogramCount("matching.suggestions.duration", ("matching.ranking", "inline")).Should().Be(1);
        HistogramCount("matching.suggestions.duration", ("matching.ranking", "candidates")).Should().Be(1);
        HistogramCount("matching.suggestions.duration").Should().Be(3);
    }

    [Test]
    public async Task Writes_ThatUpdateTheIndex_RecordTheirWaitForTheWriteGate()
    {
        await SeedAsync();
        var afterSeed = HistogramCount("matching.write.gate.wait");
        afterSeed.Should().BeGreaterThanOrEqualTo(4, "two newcomers and two offers were written, each into the index");

        (await _cms.PutAsJsonAsync("/api/v1/newcomers/nc-3", ApiFactory.NewcomerBody())).EnsureSuccessStatusCode();
        HistogramCount("matching.write.gate.wait").Should().BeGreaterThan(afterSeed);
    }

    [Test]
    public async Task Matches_ProposeAcceptAndAFullOffer_CountTransitionsAndTheRefusalByCause()
    {
        await SeedAsync(capacity: 1);
        var first = (await (await _worker.PostAsJsonAsync("/api/v1/matches", new { newcomerId = "nc-1", offerId = "offer-1" })).Json(HttpStatusCode.Created)).GetProperty("id").GetString();
        var second = (await (await _worker.PostAsJsonAsync("/api/v1/matches", new { newcomerId = "nc-2", offerId = "offer-1" })).Json(HttpStatusCode.Created)).GetProperty("id").GetString();
        (await _worker.PatchAsJsonAsync($"/api/v1/matches/{first}", new { status = "accepted" })).EnsureSuccessStatusCode();
        await (await _worker.PatchAsJsonAsync($"/api/v1/matches/{second}", new { status = "accepted" })).ShouldBeProblem(HttpStatusCode.Conflict);
        await (await _worker.PatchAsJsonAsync($"/api/v1/matches/{first}", new { status = "proposed" })).ShouldBeProblem(HttpStatusCode.Conflict);
        await (await _worker.PostAsJsonAsync("/api/v1/matches", new { newcomerId = "nc-1", offerId = "far" })).ShouldBeProblem(HttpStatusCode.Conflict);

        Sum("matching.match.transitions", ("matching.match.from", "none"), ("matching.match.to", "proposed")).Should().Be(2);
        Sum("matching.match.transitions", ("matching.match.from", "proposed"), ("matching.match.to", "accepted")).Should().Be(1);
        Sum("matching.refusals", ("matching.operation", "match.move"), ("matching.refusal.cause", "full")).Should().Be(1);
        Sum("matching.refusals", ("matching.operation", "match.move"), ("matching.refusal.cause", "illegal_transition")).Should().Be(1);
        Sum("matching.refusals", ("matching.operation", "match.propose"), ("matching.refusal.cause", "excluded")).Should().Be(1);
        Sum("matching.refusals").Should().Be(3);
    }

    [Test]
    public async Task Assignments_ProposeAndConfirm_RecordTheRunItsCohortAndTheAcceptedMatches()
    {
        await SeedAsync(capacity: 2);
        var plan = await (await _cms.PostAsJsonAsync("/api/v1/assignments", new { mode = "optimal" })).Json(HttpStatusCode.Created);
        (await _cms.PostAsync($"/api/v1/assignments/{plan.GetProperty("id").GetString()}/confirm", null)).EnsureSuccessStatusCode();

        HistogramCount("matching.allocation.duration", ("matching.allocation.mode", "optimal")).Should().Be(1);
        var size = Points("matching.allocation.cohort.size").Single();
        size.GetHistogramCount().Should().Be(1);
        size.GetHistogramSum().Should().Be(2, "both newcomers are without a place");
        Sum("matching.match.transitions", ("matching.match.from", "none"), ("matching.match.to", "accepted")).Should().Be(plan.GetProperty("placed").GetInt32()).And.Be(2);
        (await _cms.PostAsync($"/api/v1/assignments/{plan.GetProperty("id").GetString()}/confirm", null)).StatusCode.Should().Be(HttpStatusCode.Conflict);
        Sum("matching.refusals", ("matching.operation", "assignment.confirm"), ("matching.refusal.cause", "already_confirmed")).Should().Be(1);
    }

    [Test]
    public void Import_OneBatch_CountsTheBatchAndItsRowsByResource()
    {
        _host.Services.GetRequiredService<ServiceStartup>().Import([TestData.Newcomer("nc-i1"), TestData.Newcomer("nc-i2")], [TestData.Offer("offer-i1")], "test");

        Sum("matching.import.batches").Should().Be(1);
        Sum("matching.import.rows", ("matching.import.resource", "newcomer")).Should().Be(2);
        Sum("matching.import.rows", ("matching.import.resource", "offer")).Should().Be(1);
    }

    [Test]
    public async Task IndexAndChangeFeed_Observed_GiveTheIndexSizeAndASmallLag()
    {
        await SeedAsync();
        Points("matching.index.offers").Single().GetSumLong().Should().Be(2);
        var lag = Points("matching.change_feed.lag").Single().GetGaugeLastValueDouble();
        lag.Should().BeInRange(0, new HealthOptions().MaxSyncLag(ApiFactory.SyncIntervalMs).TotalSeconds, "the feed is read every 100 ms");
    }

    [Test]
    public async Task ScarcityPrices_Age_NoneUntilComputed_ThenTheTimeSinceTheComputation()
    {
        await SeedAsync();
        Points("matching.scarcity.prices.age").Should().BeEmpty("no prices were computed yet");
        using var analyst = Client(_host, ApiFactory.AnalystKey);
        (await analyst.PostAsync("/api/v1/scarcity:recompute", null)).EnsureSuccessStatusCode();
        Points("matching.scarcity.prices.age").Single().GetGaugeLastValueDouble().Should().Be(0, "the tests' clock stands still");
    }

    [Test]
    public async Task RateLimit_Rejections_CountedByKeyNameNeverTheKey()
    {
        _host.Dispose();
        _api.Dispose();
        (_api, _host) = Host(new Dictionary<string, string?> { ["RateLimiting:PermitLimit"] = "1", ["RateLimiting:PermitsPerSecond"] = "1" });
        using var worker = Client(_host, ApiFactory.CaseWorkerKey);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++) statuses.Add((await worker.GetAsync("/api/v1/offers/none")).StatusCode);
        var rejected = statuses.Count(s => s == HttpStatusCode.TooManyRequests);
        rejected.Should().BeGreaterThan(0);

        Sum("matching.rate_limit.rejections", ("matching.api_key.name", "worker")).Should().Be(rejected);
        Points("matching.rate_limit.rejections").SelectMany(p => { var values = new List<string>(); foreach (var t in p.Tags) values.Add($"{t.Value}"); return values; })
            .Should().NotContain(ApiFactory.CaseWorkerKey);
    }

    [Test]
    public async Task Traces_OneSuggestionRequest_RankingSpanSharesTheRequestsTrace_AndReadsNoDatabase()
    {
        await SeedAsync();
        _spans.Clear();
        (await _worker.GetAsync("/api/v1/newcomers/nc-1/suggestions")).EnsureSuccessStatusCode();
        (await _cms.GetAsync("/api/v1/newcomers/nc-1")).EnsureSuccessStatusCode();
        _host.Services.GetRequiredService<TracerProvider>().ForceFlush().Should().BeTrue();
        var spans = _spans.ToArray(); // the change feed's job may add spans meanwhile

        var servers = spans.Where(s => s.Kind == ActivityKind.Server).ToList();
        servers.Should().HaveCount(2);
        var ranking = spans.Single(s => s.OperationName == "matching.suggestions newcomer");
        ranking.TraceId.Should().Be(servers[0].TraceId);
        ranking.ParentSpanId.Should().Be(servers[0].SpanId);
        ranking.Source.Name.Should().Be(MatchingTelemetry.Name);
        spans.Should().NotContain(s => s.OperationName == "matching.db read" && s.ParentSpanId == ranking.SpanId,
            "the stored newcomer comes from the in-memory newcomer index");
        spans.Should().Contain(s => s.OperationName == "matching.db read" && s.TraceId == servers[1].TraceId,
            "a read of the newcomer itself reads the database inside its request's trace");
    }

    [Test]
    public async Task Prometheus_On_MetricsNeedTheAdminRole()
    {
        TearDown();
        (_api, _host) = Host(new Dictionary<string, string?> { ["Telemetry:Prometheus:Enabled"] = "true" });
        _cms = Client(_host, ApiFactory.CaseManagementKey);
        _worker = Client(_host, ApiFactory.CaseWorkerKey);
        using var admin = Client(_host, ApiFactory.AdminKey);
        using var anonymous = Client(_host, null);
        await SeedAsync();
        (await _worker.GetAsync("/api/v1/newcomers/nc-1/suggestions")).EnsureSuccessStatusCode();

        (await anonymous.GetAsync("/metrics")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await _worker.GetAsync("/metrics")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        var text = await (await admin.GetAsync("/metrics")).Content.ReadAsStringAsync();
        text.Should().Contain("matching_suggestions_duration_seconds_bucket").And.Contain("matching_index_offers").And.Contain("http_server_request_duration_seconds");
    }

    [Test]
    public async Task Prometheus_OnItsOwnPort_NotServedOnTheApisPort()
    {
        TearDown();
        (_api, _host) = Host(new Dictionary<string, string?> { ["Telemetry:Prometheus:Enabled"] = "true", ["Telemetry:Prometheus:Port"] = "9464" });
        _cms = Client(_host, ApiFactory.CaseManagementKey);
        _worker = Client(_host, ApiFactory.CaseWorkerKey);
        using var admin = Client(_host, ApiFactory.AdminKey);
        (await admin.GetAsync("/metrics")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Prometheus_Off_NoMetricsEndpoint()
    {
        using var admin = Client(_host, ApiFactory.AdminKey);
        (await admin.GetAsync("/metrics")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [TestCase("Telemetry:Otlp:Endpoint", "collector:4317")]
    [TestCase("Telemetry:Otlp:Protocol", "udp")]
    [TestCase("Telemetry:Prometheus:Port", "70000")]
    [TestCase("Telemetry:Logs", "xml")]
    public void Start_BadTelemetryOrHealthSetting_RefusedNamingTheKey(string key, string value)
    {
        var failure = ApiFactory.StartFailure(() => new ApiFactory(settings: new Dictionary<string, string?> { [key] = value }));
        failure.ToString().Should().Contain(key);
    }

    [Test]
    public void Start_LagBoundTheSyncIntervalCannotKeep_RefusedNamingBothKeys()
    {
        var failure = ApiFactory.StartFailure(() => new ApiFactory(settings: new Dictionary<string, string?>
        {
            ["Storage:SyncIntervalMs"] = "10000", ["Health:MaxSyncLagSeconds"] = "15",
        }));
        failure.ToString().Should().Contain("Health:MaxSyncLagSeconds").And.Contain("Storage:SyncIntervalMs");
    }
}
