using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Matching.Tests.Api;

/// <summary>The real host over a real SQLite file in a temp folder, with test keys and a fixed clock.</summary>
public sealed class ApiFactory : WebApplicationFactory<Program>
{
    public const string CaseManagementKey = "test-case-management-key-000001";
    public const string CaseWorkerKey = "test-case-worker-key-00000000002";
    public const string AnalystKey = "test-analyst-key-0000000000000003";
    public const string AdminKey = "test-admin-key-000000000000000004";

    /// <summary>How often the test hosts read the change feed (the smallest interval the options allow).</summary>
    public const int SyncIntervalMs = 100;

    private readonly Dictionary<string, string?> _settings;

    public ApiFactory(string? databaseFile = null, IDictionary<string, string?>? settings = null, string? postgresConnectionString = null)
    {
        DatabaseFile = databaseFile ?? Path.Combine(Path.GetTempPath(), "matching-tests", Guid.NewGuid().ToString("N"), "matching.db");
        _settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Matching"] = postgresConnectionString ?? $"Data Source={DatabaseFile}",
            ["Storage:Provider"] = postgresConnectionString is null ? "sqlite" : "postgres",
            ["Storage:SyncIntervalMs"] = SyncIntervalMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Demo:Seed"] = "false",
            ["Swagger:Enabled"] = "true",
            ["RateLimiting:PermitLimit"] = "100000",
            ["RateLimiting:PermitsPerSecond"] = "100000",
            ["Auth:ApiKeys:0:Name"] = "cms", ["Auth:ApiKeys:0:Key"] = CaseManagementKey, ["Auth:ApiKeys:0:Roles:0"] = "caseManagement",
            ["Auth:ApiKeys:1:Name"] = "worker", ["Auth:ApiKeys:1:Key"] = CaseWorkerKey, ["Auth:ApiKeys:1:Roles:0"] = "caseWorker",
            ["Auth:ApiKeys:2:Name"] = "analyst", ["Auth:ApiKeys:2:Key"] = AnalystKey, ["Auth:ApiKeys:2:Roles:0"] = "analyst",
            ["Auth:ApiKeys:3:Name"] = "admin", ["Auth:ApiKeys:3:Key"] = AdminKey, ["Auth:ApiKeys:3:Roles:0"] = "admin",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) _settings[k] = v;
    }

    public string DatabaseFile { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(_settings));
        // The Telemetry section decides what is wired while the services are registered, before the settings above apply.
        foreach (var (key, value) in _settings.Where(s => s.Key.StartsWith("Telemetry:", StringComparison.Ordinal))) builder.UseSetting(key, value);
        // Every line the shipped log levels let through (our own down to Debug) is scanned for newcomer attributes: see LogCapture.
        builder.ConfigureLogging(logging => logging.AddProvider(LogCapture.Instance).AddFilter<LogCapture>("Matching", LogLevel.Debug));
        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(TestData.Clock());
        });
    }

    public HttpClient Client(string? key)
    {
        var client = CreateClient();
        if (key is not null) client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    public static object NewcomerBody(string place = "Gent", string level = "A2") => new
    {
        dutchLevel = level,
        languages = new[] { "ar", "en" },
        interests = new[] { "football", "cooking" },
        location = new { place },
        maxTravelKm = 15,
        availability = new[] { new { day = "tue", from = "18:00", to = "21:00" }, new { day = "wed", from = "14:00", to = "17:00" } },
        birthYear = 1994,
        gender = "female",
        goals = new[] { "work" },
        trajectoryEnd = "2027-06-30",
    };

    public static object OfferBody(int capacity = 2, string place = "Gent") => new
    {
        kind = "languageInternship",
        setting = "careHome",
        title = "Taalstage in woonzorgcentrum",
        organisation = "WZC De Linde",
        location = new { place },
        remote = false,
        dutchLevel = new { min = "A1", max = "B1" },
        interests = new[] { "care", "cooking" },
        schedule = new[] { new { day = "wed", from = "14:00", to = "17:00" } },
        capacity,
        languages = new[] { "en" },
        hours = 40,
        startsOn = "2026-10-01",
        endsOn = "2027-06-30",
    };

    /// <summary>Stores a newcomer and an offer through the API.</summary>
    public async Task SeedPairAsync(string newcomerId = "nc-1", string offerId = "offer-1", int capacity = 2)
    {
        using var cms = Client(CaseManagementKey);
        (await cms.PutAsJsonAsync($"/api/v1/newcomers/{newcomerId}", NewcomerBody())).EnsureSuccessStatusCode();
        (await cms.PutAsJsonAsync($"/api/v1/offers/{offerId}", OfferBody(capacity))).EnsureSuccessStatusCode();
    }

    /// <summary>
    /// Starts a host that must refuse to start and returns why. WebApplicationFactory sometimes reports a failed start
    /// as an ObjectDisposedException from its own teardown instead of the host's exception; such a try is repeated.
    /// </summary>
    public static Exception StartFailure(Func<ApiFactory> make)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            using var factory = make();
            try
            {
                factory.CreateClient().Dispose();
            }
            catch (ObjectDisposedException)
            {
                continue;
            }
            catch (Exception e)
            {
                return e;
            }
            Assert.Fail("The host started, but it should have refused to.");
        }
        Assert.Fail("The host's start failed five times with only WebApplicationFactory's ObjectDisposedException.");
        throw new InvalidOperationException("unreachable");
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }
}
