using System.Security.Claims;
using System.Threading.RateLimiting;
using Matching.Api.Endpoints;
using Matching.Contracts;
using Matching.Data;
using Matching.Geo;
using Matching.Model;
using Matching.Ranking;
using Matching.Scoring;
using Matching.Service;
using Matching.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Matching.Api.Infrastructure;

/// <summary>The <c>Storage</c> section.</summary>
internal sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>sqlite (the embedded default) or postgres (for several instances on one database).</summary>
    [System.ComponentModel.DataAnnotations.RegularExpression("^(sqlite|postgres)$", ErrorMessage = "Storage:Provider must be 'sqlite' or 'postgres'.")]
    public string Provider { get; set; } = "sqlite";

    /// <summary>How often, in milliseconds, an instance reads the change feed for other instances' writes (100..60000, default 500).</summary>
    [System.ComponentModel.DataAnnotations.Range(100, 60_000)]
    public int SyncIntervalMs { get; set; } = 500;
}

/// <summary>The <c>Matching</c> section.</summary>
internal sealed class MatchingOptions
{
    public const string Section = "Matching";

    /// <summary>A folder of weight profiles (*.json, as PUT /api/v1/weight-profiles accepts) loaded at start; a newer version replaces the stored one.</summary>
    public string? WeightProfilesPath { get; set; }
}

/// <summary>The <c>Retention</c> section.</summary>
internal sealed class RetentionOptions
{
    public const string Section = "Retention";

    /// <summary>Erase newcomers whose trajectory ended more than this many months ago (checked daily); null keeps them.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 600)]
    public int? ErasedAfterMonths { get; set; }
}

/// <summary>The <c>Swagger</c> section.</summary>
internal sealed class SwaggerOptions
{
    public const string Section = "Swagger";

    /// <summary>Serve Swagger UI and the document; default on in Development only.</summary>
    public bool? Enabled { get; set; }
}

/// <summary>The <c>Demo</c> section.</summary>
internal sealed class DemoOptions
{
    public const string Section = "Demo";

    /// <summary>Fill an empty database with demo data at start (default: on in Development, off elsewhere).</summary>
    public bool? Seed { get; set; }
    /// <summary>Seed of the demo data generator.</summary>
    public int RandomSeed { get; set; } = 42;
    /// <summary>Demo newcomers.</summary>
    public int Newcomers { get; set; } = 2_000;
    /// <summary>Demo offers.</summary>
    public int Offers { get; set; } = 600;
}

/// <summary>The <c>RateLimiting</c> section: a token bucket per API key.</summary>
internal sealed class RateLimitOptions
{
    public const string Section = "RateLimiting";

    /// <summary>Requests a key may burst.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 1_000_000)]
    public int PermitLimit { get; set; } = 600;
    /// <summary>Requests a key regains per second.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 1_000_000)]
    public int PermitsPerSecond { get; set; } = 300;
}

/// <summary>Wires the service: options validated at start, storage, engine, auth, limits, problem details, OpenAPI.</summary>
internal static class Hosting
{
    public static WebApplicationBuilder AddMatching(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DemoOptions>().BindConfiguration(DemoOptions.Section);
        services.AddOptions<MatchingOptions>().BindConfiguration(MatchingOptions.Section);
        services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddHostedService<RetentionJob>();
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        services.AddSingleton<IGazetteer>(_ => Gazetteer.Default);
        services.AddSingleton(_ => InterestTaxonomy.Default);
        services.AddSingleton(_ => LanguageRegistry.Default);
        services.AddSingleton(sp => new DocumentMapper(sp.GetRequiredService<IGazetteer>(), sp.GetRequiredService<InterestTaxonomy>(),
            sp.GetRequiredService<LanguageRegistry>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new MatchingEngine(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<InterestTaxonomy>(), sp.GetRequiredService<LanguageRegistry>()));
        services.AddSingleton<IMatchingDatabase>(sp =>
        {
            var provider = sp.GetRequiredService<IOptions<StorageOptions>>().Value.Provider;
            var connectionString = builder.Configuration.GetConnectionString("Matching");
            if (provider == "postgres")
            {
                return new PostgresDatabase(connectionString
                    ?? throw new InvalidOperationException("Storage:Provider 'postgres' needs ConnectionStrings:Matching."));
            }
            return new SqliteDatabase(connectionString ?? $"Data Source={Path.Combine(builder.Environment.ContentRootPath, "App_Data", "matching.db")}");
        });
        services.AddSingleton<MatchingStore>();
        services.AddSingleton<NewcomersService>().AddSingleton<OffersService>().AddSingleton<MatchesService>().AddSingleton<AllocationsService>();
        services.AddSingleton<WeightProfilesService>().AddSingleton<AuditService>().AddSingleton<SuggestionsService>();
        services.AddSingleton<ChangeFeed>().AddSingleton<ServiceStartup>();
        services.AddHostedService<StartupWork>();
        services.AddHostedService<ChangeFeedSync>();

        services.AddAuthentication(ApiKeyHandler.SchemeName).AddScheme<AuthenticationSchemeOptions, ApiKeyHandler>(ApiKeyHandler.SchemeName, null);
        services.AddAuthorization(options =>
        {
            foreach (var (policy, roles) in Policies.RolesOf) options.AddPolicy(policy, p => p.RequireAuthenticatedUser().RequireRole(roles));
        });
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = async (context, ct) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry))
                {
                    context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retry.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
                await Problems.Status(StatusCodes.Status429TooManyRequests, "Too many requests", "This API key sent too many requests; slow down and retry.")
                    .ExecuteAsync(context.HttpContext);
            };
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                var key = context.User.Identity?.IsAuthenticated == true ? context.User.Caller() : "anonymous:" + context.Connection.RemoteIpAddress;
                var limits = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
                return RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = limits.PermitLimit,
                    TokensPerPeriod = limits.PermitsPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
        });
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
            context.ProblemDetails.Extensions.Remove("exception");
        });
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = false);
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull;
        });
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = JsonBody.MaxBytes;
            k.AddServerHeader = false;
        });
        services.AddHealthChecks()
            .AddCheck<ReadinessCheck>("ready", tags: ["ready"]);
        services.AddMatchingOpenApi();
        return builder;
    }

    public static WebApplication UseMatching(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // Never a stack trace: the problem details service writes a bare 500 (or the status a framework exception carries).
            StatusCodeSelector = ex => ex is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
        });
        app.UseStatusCodePages();
        app.UseSecurityHeaders();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        if (app.Configuration.GetValue<bool?>($"{SwaggerOptions.Section}:Enabled") ?? app.Environment.IsDevelopment()) app.UseMatchingOpenApi();
        return app;
    }

    public static WebApplication MapMatching(this WebApplication app)
    {
        app.MapNewcomers();
        app.MapOffers();
        app.MapSuggestions();
        app.MapMatches();
        app.MapWeightProfiles();
        app.MapAssignments();
        app.MapReports();
        app.MapAudit();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).DisableRateLimiting();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).DisableRateLimiting();
        return app;
    }
}

/// <summary>Migrates, loads the index, and seeds demo data into an empty database when asked; then says where to look.</summary>
internal sealed class StartupWork(
    ServiceStartup service, IOptions<MatchingOptions> matching, IOptions<DemoOptions> demo, IOptions<AuthOptions> auth, IHostEnvironment environment,
    TimeProvider time, ILogger<StartupWork> logger, IServer server, IHostApplicationLifetime lifetime) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        service.Start(LoadProfiles(matching.Value.WeightProfilesPath));
        var seed = demo.Value.Seed ?? environment.IsDevelopment();
        if (seed && service.IsEmpty())
        {
            var data = new DemoDataGenerator(new DemoDataOptions
            {
                Seed = demo.Value.RandomSeed,
                Newcomers = demo.Value.Newcomers,
                Offers = demo.Value.Offers,
                Today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime),
            }).Generate();
            service.Import(data.Newcomers, data.Offers, "demo-seed");
            logger.LogInformation("Seeded demo data: {Newcomers} newcomers, {Offers} offers (seed {Seed}).", data.Newcomers.Count, data.Offers.Count, demo.Value.RandomSeed);
        }
        lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = server.Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses ?? [];
            foreach (var address in addresses) logger.LogInformation("Swagger UI: {Address}/swagger", address);
            if (environment.IsDevelopment())
            {
                foreach (var key in auth.Value.ApiKeys.Where(k => AuthOptions.DemoKeys.Contains(k.Key, StringComparer.Ordinal)))
                {
                    logger.LogInformation("Demo API key for {Roles}: {Key}", string.Join(",", key.Roles), key.Key);
                }
            }
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Every *.json profile in the folder, validated; a bad file stops the start with its name and fields.</summary>
    private List<WeightProfile> LoadProfiles(string? folder)
    {
        if (string.IsNullOrWhiteSpace(folder)) return [];
        if (!Directory.Exists(folder)) throw new InvalidOperationException($"Matching:WeightProfilesPath '{folder}' does not exist.");
        var profiles = new List<WeightProfile>();
        foreach (var file in Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            var profile = WeightProfile.Parse(File.ReadAllText(file), out var errors)
                ?? throw new InvalidOperationException($"Weight profile {Path.GetFileName(file)} is invalid: {errors}");
            profiles.Add(profile);
            logger.LogInformation("Weight profile {Name} version {Version} from {File}.", profile.Name, profile.Version, Path.GetFileName(file));
        }
        return profiles;
    }
}

/// <summary>
/// Applies other instances' writes to this instance's offer index: reads the change feed every
/// <c>Storage:SyncIntervalMs</c>, and prunes feed rows older than a day once an hour.
/// </summary>
internal sealed class ChangeFeedSync(ChangeFeed service, IOptions<StorageOptions> storage, TimeProvider time, ILogger<ChangeFeedSync> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var lastPrune = time.GetUtcNow();
        // The feed is polled on the real clock, whatever clock the business logic is given (tests fix that one).
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(storage.Value.SyncIntervalMs), TimeProvider.System);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (!service.IndexLoaded) continue;
            try
            {
                var applied = service.SyncChanges();
                if (applied > 0) logger.LogDebug("Applied {Count} changes from the feed.", applied);
                if (time.GetUtcNow() - lastPrune > TimeSpan.FromHours(1))
                {
                    service.PruneChanges(TimeSpan.FromDays(1));
                    lastPrune = time.GetUtcNow();
                }
            }
            catch (System.Data.Common.DbException ex)
            {
                // The database may be briefly unreachable; the next tick tries again. Logged without data.
                logger.LogWarning("Change feed sync failed: {Error}", ex.GetType().Name);
            }
        }
    }
}

/// <summary>Once a day, erases newcomers whose trajectory ended longer ago than <c>Retention:ErasedAfterMonths</c>.</summary>
internal sealed class RetentionJob(MatchingStore store, NewcomersService service, IOptions<RetentionOptions> retention, ILogger<RetentionJob> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (retention.Value.ErasedAfterMonths is not int months) return;
        using var timer = new PeriodicTimer(TimeSpan.FromDays(1), TimeProvider.System);
        do
        {
            if (!store.IndexLoaded) { await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken); continue; }
            try
            {
                var erased = service.EraseEndedTrajectories(months);
                if (erased > 0) logger.LogInformation("Retention erased {Count} newcomers whose trajectory ended over {Months} months ago.", erased, months);
            }
            catch (System.Data.Common.DbException ex)
            {
                logger.LogWarning("Retention run failed: {Error}", ex.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

/// <summary>Ready when the database answers, every migration is applied and the offer index is loaded.</summary>
internal sealed class ReadinessCheck(MatchingStore service) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var version = service.Database.SchemaVersion();
            var latest = service.Database.LatestVersion;
            if (version < latest) return Task.FromResult(HealthCheckResult.Unhealthy($"Schema at {version}, expected {latest}."));
            if (!service.IndexLoaded) return Task.FromResult(HealthCheckResult.Unhealthy("Offer index not loaded."));
            return Task.FromResult(HealthCheckResult.Healthy($"Schema {version}, {service.Engine.OfferCount} offers indexed."));
        }
        catch (System.Data.Common.DbException)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("Database unreachable."));
        }
    }
}
