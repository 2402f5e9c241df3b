using System.ComponentModel.DataAnnotations;
using Matching.Service;
using Microsoft.Extensions.Options;

namespace Matching.Api.Infrastructure;

// Every section is bound with AddOptions<T>().BindConfiguration(..).ValidateDataAnnotations().ValidateOnStart() in
// Hosting.AddMatching: a bad value stops the start with the key's name instead of surfacing on first use.
// The Auth section lives with the API keys (ApiKeys.cs).

/// <summary>The <c>Storage</c> section.</summary>
internal sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>sqlite (the embedded default) or postgres (for several instances on one database).</summary>
    [RegularExpression("^(sqlite|postgres)$", ErrorMessage = "Storage:Provider must be 'sqlite' or 'postgres'.")]
    public string Provider { get; set; } = "sqlite";

    /// <summary>How often, in milliseconds, an instance reads the change feed for other instances' writes (100..60000, default 500).</summary>
    [Range(100, 60_000)]
    public int SyncIntervalMs { get; set; } = 500;
}

/// <summary>The <c>Matching</c> section.</summary>
internal sealed class MatchingOptions
{
    public const string Section = "Matching";

    /// <summary>
    /// A folder of weight profiles (*.json, as PUT /api/v1/weight-profiles accepts) loaded at start; a newer version
    /// replaces the stored one. Default none; when set, the folder must exist (<see cref="MatchingOptionsValidator"/>).
    /// </summary>
    public string? WeightProfilesPath { get; set; }
}

/// <summary>Refuses a <c>Matching:WeightProfilesPath</c> that names no existing folder.</summary>
internal sealed class MatchingOptionsValidator : IValidateOptions<MatchingOptions>
{
    public ValidateOptionsResult Validate(string? name, MatchingOptions options) =>
        string.IsNullOrWhiteSpace(options.WeightProfilesPath) || Directory.Exists(options.WeightProfilesPath)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Matching:WeightProfilesPath '{options.WeightProfilesPath}' does not exist.");
}

/// <summary>The <c>Retention</c> section.</summary>
internal sealed class RetentionOptions
{
    public const string Section = "Retention";

    /// <summary>Erase newcomers whose trajectory ended more than this many months ago (1..600, checked daily); default null keeps them.</summary>
    [Range(1, 600)]
    public int? ErasedAfterMonths { get; set; }
}

/// <summary>The <c>Scarcity</c> section: how and how often the prices per offer place are recomputed.</summary>
internal sealed class ScarcityOptions
{
    public const string Section = "Scarcity";

    /// <summary>Recompute the prices every this many minutes (1..10080); default null: only on demand (POST /api/v1/scarcity:recompute).</summary>
    [Range(1, 10_080)]
    public int? RecomputeIntervalMinutes { get; set; }

    /// <summary>Newcomers created in this many days are the recent arrivals the future is sampled from (1..365, default 28).</summary>
    [Range(1, 365)]
    public int WindowDays { get; set; } = 28;

    /// <summary>How far ahead the sampled future reaches, in days (1..730, default 91).</summary>
    [Range(1, 730)]
    public int HorizonDays { get; set; } = 91;

    /// <summary>Sampled futures averaged (1..100, default 5).</summary>
    [Range(1, 100)]
    public int Samples { get; set; } = 5;

    /// <summary>The value of a placement beside its score (0..1000, default 1).</summary>
    [Range(0.0, 1_000.0)]
    public double PlacementValue { get; set; } = 1;

    /// <summary>The service's settings.</summary>
    public ScarcitySettings ToSettings() => new() { WindowDays = WindowDays, HorizonDays = HorizonDays, Samples = Samples, PlacementValue = PlacementValue };
}

/// <summary>The <c>Swagger</c> section.</summary>
internal sealed class SwaggerOptions
{
    public const string Section = "Swagger";

    /// <summary>Serve Swagger UI and the document; default (null) on in Development only.</summary>
    public bool? Enabled { get; set; }
}

/// <summary>The <c>Demo</c> section.</summary>
internal sealed class DemoOptions
{
    public const string Section = "Demo";

    /// <summary>Fill an empty database with demo data at start (default: on in Development, off elsewhere).</summary>
    public bool? Seed { get; set; }

    /// <summary>Seed of the demo data generator (any integer, default 42).</summary>
    public int RandomSeed { get; set; } = 42;

    /// <summary>Demo newcomers (0..200000, default 2000).</summary>
    [Range(0, 200_000)]
    public int Newcomers { get; set; } = 2_000;

    /// <summary>Demo offers (0..100000, default 600).</summary>
    [Range(0, 100_000)]
    public int Offers { get; set; } = 600;
}

/// <summary>The <c>RateLimiting</c> section: a token bucket per API key.</summary>
internal sealed class RateLimitOptions
{
    public const string Section = "RateLimiting";

    /// <summary>Requests a key may burst (1..1000000, default 600).</summary>
    [Range(1, 1_000_000)]
    public int PermitLimit { get; set; } = 600;

    /// <summary>Requests a key regains per second (1..1000000, default 300).</summary>
    [Range(1, 1_000_000)]
    public int PermitsPerSecond { get; set; } = 300;
}

/// <summary>The <c>Health</c> section: what readiness demands, and how long a stop may drain.</summary>
internal sealed class HealthOptions
{
    public const string Section = "Health";

    /// <summary>
    /// /health/ready fails when this instance last read the change feed to its end longer ago than this (5..3600 s;
    /// default 30, or four sync intervals when those are longer); when set, it must exceed
    /// <c>Storage:SyncIntervalMs</c> twice over (<see cref="HealthOptionsValidator"/>).
    /// </summary>
    [Range(5, 3600)]
    public int? MaxSyncLagSeconds { get; set; }

    /// <summary>The lag bound in force: <see cref="MaxSyncLagSeconds"/>, or its default for the sync interval.</summary>
    public TimeSpan MaxSyncLag(int syncIntervalMs) =>
        TimeSpan.FromSeconds(MaxSyncLagSeconds ?? Math.Max(30, 4 * syncIntervalMs / 1000));

    /// <summary>
    /// On SIGTERM, how long in-flight requests may finish and background jobs stop before the host gives up
    /// (1..300 s, default 25: inside the 30 s a container orchestrator waits before it kills).
    /// </summary>
    [Range(1, 300)]
    public int ShutdownTimeoutSeconds { get; set; } = 25;
}

/// <summary>Refuses a lag bound the sync interval could not keep even when every sync succeeds.</summary>
internal sealed class HealthOptionsValidator(IOptions<StorageOptions> storage) : IValidateOptions<HealthOptions>
{
    public ValidateOptionsResult Validate(string? name, HealthOptions options) =>
        options.MaxSyncLagSeconds is not int seconds || seconds * 1000L > 2L * storage.Value.SyncIntervalMs
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Health:MaxSyncLagSeconds ({options.MaxSyncLagSeconds}) must exceed twice Storage:SyncIntervalMs ({storage.Value.SyncIntervalMs} ms).");
}
