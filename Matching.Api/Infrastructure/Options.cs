using System.ComponentModel.DataAnnotations;
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
