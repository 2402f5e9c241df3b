using System.Net;
using Matching.Api.Infrastructure;
using Matching.Contracts;
using Matching.Geo;
using Matching.Model;
using Matching.Ranking;
using Matching.Service;
using Matching.Storage;
using Matching.Tests.Service;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Matching.Tests.Api;

/// <summary>/health/ready tells the truth: not while the index loads, the database is gone, the feed lags or the host drains.</summary>
public class ReadinessTests
{
    private readonly FakeTimeProvider _jobs = new();
    private ApplicationLifetime _lifetime = null!;

    [SetUp]
    public void SetUp() => _lifetime = new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance);

    private ReadinessCheck Check(MatchingStore store, ChangeFeedLag lag) =>
        new(store, lag, Options.Create(new HealthOptions { MaxSyncLagSeconds = 30 }), Options.Create(new StorageOptions()), _lifetime);

    private static async Task<HealthCheckResult> Run(ReadinessCheck check) => await check.CheckHealthAsync(new HealthCheckContext());

    private ChangeFeedLag SyncedNow()
    {
        var lag = new ChangeFeedLag(_jobs);
        lag.Synced();
        return lag;
    }

    [Test]
    public async Task Ready_StartedAndSynced_Healthy()
    {
        using var service = new ServiceFixture();
        var result = await Run(Check(service.Store, SyncedNow()));
        result.Status.Should().Be(HealthStatus.Healthy, result.Description);
    }

    [Test]
    public async Task Ready_IndexNotLoadedYet_Unhealthy()
    {
        var file = Path.Combine(Path.GetTempPath(), "matching-tests", Guid.NewGuid().ToString("N"), "matching.db");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var clock = TestData.Clock();
        var database = new SqliteDatabase($"Data Source={file}");
        database.Migrate();
        // What StartupWork has built before ServiceStartup.Start has loaded the index.
        var store = new MatchingStore(database, new MatchingEngine(clock, InterestTaxonomy.Default, LanguageRegistry.Default),
            new DocumentMapper(Gazetteer.Default, InterestTaxonomy.Default, LanguageRegistry.Default, clock), Gazetteer.Default, clock);

        var result = await Run(Check(store, SyncedNow()));

        result.Status.Should().Be(HealthStatus.Unhealthy);
        result.Description.Should().Contain("index");
    }

    [Test]
    public async Task Ready_DatabaseUnreachable_Unhealthy()
    {
        using var service = new ServiceFixture();
        var clock = TestData.Clock();
        // The same loaded store, over a database that cannot be opened (a folder that does not exist).
        var gone = new SqliteDatabase($"Data Source={Path.Combine(Path.GetTempPath(), "matching-tests", Guid.NewGuid().ToString("N"), "missing", "matching.db")};Mode=ReadWrite");
        var store = new MatchingStore(gone, service.Store.Engine, new DocumentMapper(Gazetteer.Default, InterestTaxonomy.Default, LanguageRegistry.Default, clock), Gazetteer.Default, clock)
        {
            IndexLoaded = true,
        };

        var result = await Run(Check(store, SyncedNow()));

        result.Status.Should().Be(HealthStatus.Unhealthy);
        result.Description.Should().Be("Database unreachable.");
    }

    [Test]
    public async Task Ready_ChangeFeedLagBeyondTheBound_UnhealthyUntilTheNextSync()
    {
        using var service = new ServiceFixture();
        var lag = SyncedNow();
        var check = Check(service.Store, lag);

        _jobs.Advance(TimeSpan.FromSeconds(30));
        (await Run(check)).Status.Should().Be(HealthStatus.Healthy, "30 s is the bound itself");
        _jobs.Advance(TimeSpan.FromSeconds(1));
        var late = await Run(check);
        late.Status.Should().Be(HealthStatus.Unhealthy);
        late.Description.Should().Contain("Change feed");
        lag.Synced();
        (await Run(check)).Status.Should().Be(HealthStatus.Healthy);
    }

    [Test]
    public async Task Ready_HostStopping_Unhealthy()
    {
        using var service = new ServiceFixture();
        _lifetime.StopApplication();
        (await Run(Check(service.Store, SyncedNow()))).Description.Should().Be("Shutting down.");
    }

    [Test]
    public async Task HealthEndpoints_RunningHost_LiveAndReady()
    {
        using var factory = new ApiFactory();
        using var anonymous = factory.Client(null);
        (await anonymous.GetAsync("/health/live")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await anonymous.GetAsync("/health/ready")).StatusCode.Should().Be(HttpStatusCode.OK);
    }
}
