using Matching.Service;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Matching.Api.Infrastructure;

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
