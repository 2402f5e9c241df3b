using Matching.Data;
using Matching.Scoring;
using Matching.Service;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Matching.Api.Infrastructure;

/// <summary>
/// The service key of the clock the background jobs schedule on: a <see cref="TimeProvider"/> of its own, apart from
/// the unkeyed business clock.
/// </summary>
/// <remarks>
/// Two clocks because they answer two questions. The business clock says what day it is: it dates the audit and
/// decides whose trajectory has ended; the API tests fix it to one Monday morning so that their results do not depend
/// on the day they run. The scheduling clock says when the next pass is due. Scheduled on a fixed business clock, the
/// change feed would never tick and the several-instances tests would wait forever; run on the real clock, the
/// business logic would drift with the calendar. Both are <see cref="TimeProvider.System"/> in production; each can be
/// replaced alone (the job tests hand the jobs a <c>FakeTimeProvider</c> and advance it).
/// </remarks>
internal static class JobClock
{
    public const string Key = "jobs";
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
            var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
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

    /// <summary>Every *.json profile in the folder (its existence is checked with the options), validated; a bad file stops the start with its name and fields.</summary>
    private List<WeightProfile> LoadProfiles(string? folder)
    {
        if (string.IsNullOrWhiteSpace(folder)) return [];
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
/// Applies other instances' writes to this instance's offer index: once the service has started, reads the change
/// feed every <c>Storage:SyncIntervalMs</c> of the <see cref="JobClock"/>, and prunes feed rows older than a day once an hour.
/// </summary>
internal sealed class ChangeFeedSync(
    ChangeFeed service, ChangeFeedLag lag, IOptions<StorageOptions> storage, [FromKeyedServices(JobClock.Key)] TimeProvider clock,
    IHostApplicationLifetime lifetime, ILogger<ChangeFeedSync> logger) : BackgroundService
{
    /// <summary>How often the feed's old rows are pruned.</summary>
    public static readonly TimeSpan PruneEvery = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await lifetime.WhenStartedAsync(stoppingToken);
        lag.Synced(); // the start loaded the index at the feed's end
        var lastPrune = clock.GetUtcNow();
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(storage.Value.SyncIntervalMs), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var applied = service.SyncChanges();
                lag.Synced();
                if (applied > 0) logger.LogDebug("Applied {Count} changes from the feed.", applied);
                if (clock.GetUtcNow() - lastPrune >= PruneEvery)
                {
                    service.PruneChanges(TimeSpan.FromDays(1));
                    lastPrune = clock.GetUtcNow();
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

/// <summary>
/// Erases newcomers whose trajectory ended longer ago than <c>Retention:ErasedAfterMonths</c>: first as soon as the
/// service has started, then once a day of the <see cref="JobClock"/>.
/// </summary>
internal sealed class RetentionJob(
    NewcomersService service, IOptions<RetentionOptions> retention, [FromKeyedServices(JobClock.Key)] TimeProvider clock,
    IHostApplicationLifetime lifetime, ILogger<RetentionJob> logger) : BackgroundService
{
    /// <summary>How often the job runs after its first pass.</summary>
    public static readonly TimeSpan Every = TimeSpan.FromDays(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (retention.Value.ErasedAfterMonths is not int months) return;
        // Waiting for the start, not skipping a pass: a pass skipped because the index was not loaded yet would be
        // followed by a whole day's wait.
        await lifetime.WhenStartedAsync(stoppingToken);
        using var timer = new PeriodicTimer(Every, clock);
        do
        {
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

/// <summary>
/// Recomputes the prices per offer place every <c>Scarcity:RecomputeIntervalMinutes</c> of the <see cref="JobClock"/>
/// (first once the service has started); off when the interval is not set. Every instance that runs it stores a new
/// set, and every instance serves the latest stored one.
/// </summary>
internal sealed class ScarcityJob(
    ScarcityService service, IOptions<ScarcityOptions> options, [FromKeyedServices(JobClock.Key)] TimeProvider clock,
    IHostApplicationLifetime lifetime, ILogger<ScarcityJob> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.RecomputeIntervalMinutes is not int minutes) return;
        await lifetime.WhenStartedAsync(stoppingToken);
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(minutes), clock);
        do
        {
            try
            {
                var prices = service.Recompute(options.Value.ToSettings(), "scheduler");
                logger.LogInformation("Recomputed place prices {Id} from {Recent} recent newcomers.", prices.Id, prices.Inputs.RecentNewcomers);
            }
            catch (System.Data.Common.DbException ex)
            {
                logger.LogWarning("Price recomputation failed: {Error}", ex.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

/// <summary>Helpers for the background jobs.</summary>
internal static class BackgroundJobs
{
    /// <summary>
    /// Completes once the host has started: every hosted service's start is done, so <see cref="StartupWork"/> has
    /// migrated and loaded the index. (Since .NET 10 a <see cref="BackgroundService"/> runs beside the other services'
    /// start, so its order of registration promises nothing.) Cancelled when the host stops first.
    /// </summary>
    public static async Task WhenStartedAsync(this IHostApplicationLifetime lifetime, CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(stoppingToken);
    }
}
