using System.Security.Claims;
using System.Threading.RateLimiting;
using Matching.Api.Endpoints;
using Matching.Contracts;
using Matching.Diagnostics;
using Matching.Geo;
using Matching.Model;
using Matching.Ranking;
using Matching.Scoring;
using Matching.Service;
using Matching.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Matching.Api.Infrastructure;

/// <summary>Wires the service: options validated at start, storage, engine, auth, limits, problem details, OpenAPI.</summary>
internal static class Hosting
{
    public static WebApplicationBuilder AddMatching(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        // The business clock (what day it is) and the jobs' scheduling clock (when the next pass is due): see JobClock.
        services.AddSingleton(TimeProvider.System);
        services.AddKeyedSingleton(JobClock.Key, TimeProvider.System);
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DemoOptions>().BindConfiguration(DemoOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<MatchingOptions>().BindConfiguration(MatchingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<MatchingOptions>, MatchingOptionsValidator>();
        services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ScarcityOptions>().BindConfiguration(ScarcityOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SwaggerOptions>().BindConfiguration(SwaggerOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<HealthOptions>().BindConfiguration(HealthOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<HealthOptions>, HealthOptionsValidator>();
        services.AddOptions<HostOptions>().Configure<IOptions<HealthOptions>>((host, health) => host.ShutdownTimeout = TimeSpan.FromSeconds(health.Value.ShutdownTimeoutSeconds));
        builder.AddMatchingTelemetry();

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
                var database = new PostgresDatabase(connectionString
                    ?? throw new InvalidOperationException("Storage:Provider 'postgres' needs ConnectionStrings:Matching."));
                // Writes block their thread (ADO.NET is synchronous here) while they wait for a row lock, their commit or
                // their turn at the in-memory state, up to half the pool's connections at once. With the thread pool's
                // default minimum (the core count) a burst of writes starved it for seconds while it added a thread or
                // two a second (run-mixed.sh postgres: every connection timed out once, p99 994 ms). SQLite's one writer
                // needs none of this, and CPU-bound suggestions lose by more threads (run-dense.sh with a minimum of 64:
                // p99 10 → 16 ms at 5,000 offers, 28 → 79 ms at 100,000), so only PostgreSQL raises it.
                ThreadPool.GetMinThreads(out var workers, out var io);
                ThreadPool.SetMinThreads(Math.Max(workers, database.MaxWriters + Environment.ProcessorCount), io);
                return database;
            }
            return new SqliteDatabase(connectionString ?? $"Data Source={Path.Combine(builder.Environment.ContentRootPath, "App_Data", "matching.db")}");
        });
        services.AddSingleton<MatchingStore>();
        services.AddSingleton<NewcomersService>().AddSingleton<OffersService>().AddSingleton<MatchesService>().AddSingleton<AllocationsService>();
        services.AddSingleton<WeightProfilesService>().AddSingleton<AuditService>().AddSingleton<SuggestionsService>();
        services.AddSingleton<ChangeFeed>().AddSingleton<ServiceStartup>().AddSingleton<ChangeFeedLag>().AddSingleton<ScarcityService>();
        services.AddSingleton<ImportsService>().AddSingleton(sp => new Matching.Data.JsonLinesImporter(sp.GetRequiredService<DocumentMapper>()));
        services.AddOptions<Endpoints.ImportOptions>().BindConfiguration(Endpoints.ImportOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddHostedService<StartupWork>();
        // The jobs wait for the host's start (StartupWork done), whatever their place in this list.
        services.AddHostedService<ChangeFeedSync>();
        services.AddHostedService<RetentionJob>();
        services.AddHostedService<ScarcityJob>();

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
                context.HttpContext.RequestServices.GetRequiredService<MatchingTelemetry>().RateLimited(context.HttpContext.User.Identity?.IsAuthenticated == true ? context.HttpContext.User.Caller() : "anonymous");
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
        if (app.Services.GetRequiredService<IOptions<SwaggerOptions>>().Value.Enabled ?? app.Environment.IsDevelopment()) app.UseMatchingOpenApi();
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
        app.MapScarcity();
        app.MapAudit();
        app.MapImports();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).DisableRateLimiting();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).DisableRateLimiting();
        app.MapMatchingTelemetry();
        return app;
    }
}
