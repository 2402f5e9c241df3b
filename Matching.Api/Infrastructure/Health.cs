using Matching.Service;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Matching.Api.Infrastructure;

/// <summary>
/// Ready when the host is not shutting down, the database answers with every migration applied, the offer index is
/// loaded, and this instance read the change feed to its end within <c>Health:MaxSyncLagSeconds</c>.
/// </summary>
/// <remarks>/health/live runs no check: it answers while the process serves at all.</remarks>
internal sealed class ReadinessCheck(
    MatchingStore service, ChangeFeedLag feed, IOptions<HealthOptions> health, IOptions<StorageOptions> storage, IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) => Task.FromResult(Check());

    private HealthCheckResult Check()
    {
        // A draining instance says so first, so that the load balancer stops sending before the listener closes.
        if (lifetime.ApplicationStopping.IsCancellationRequested) return HealthCheckResult.Unhealthy("Shutting down.");
        // Before the index: while it loads, the database is being migrated, and the index says more.
        if (!service.IndexLoaded) return HealthCheckResult.Unhealthy("Offer index not loaded.");
        try
        {
            var version = service.Database.SchemaVersion();
            var latest = service.Database.LatestVersion;
            if (version < latest) return HealthCheckResult.Unhealthy($"Schema at {version}, expected {latest}.");
        }
        catch (System.Data.Common.DbException)
        {
            return HealthCheckResult.Unhealthy("Database unreachable.");
        }
        var bound = health.Value.MaxSyncLag(storage.Value.SyncIntervalMs);
        if (feed.Lag is { } lag && lag > bound)
        {
            return HealthCheckResult.Unhealthy($"Change feed last read {lag.TotalSeconds:0} s ago, over the bound of {bound.TotalSeconds:0} s.");
        }
        return HealthCheckResult.Healthy($"{service.Engine.OfferCount} offers indexed.");
    }
}

/// <summary>
/// This instance's change-feed lag: the time, on the <see cref="JobClock"/>, since it last read the feed to its end
/// (a successful sync, or the start, which loads the index at the feed's end). It bounds how stale the index may be
/// against other instances' writes; it grows while the database is unreachable or the sync job is stuck.
/// </summary>
/// <remarks>Thread-safe. Null until the service has started.</remarks>
internal sealed class ChangeFeedLag([FromKeyedServices(JobClock.Key)] TimeProvider clock)
{
    private long _syncedAtTicks = long.MinValue;

    /// <summary>Notes a read of the feed to its end, now.</summary>
    public void Synced() => Volatile.Write(ref _syncedAtTicks, clock.GetUtcNow().UtcTicks);

    /// <summary>The time since the last read to the feed's end, or null before the first.</summary>
    public TimeSpan? Lag
    {
        get
        {
            var at = Volatile.Read(ref _syncedAtTicks);
            return at == long.MinValue ? null : TimeSpan.FromTicks(Math.Max(0, clock.GetUtcNow().UtcTicks - at));
        }
    }
}
