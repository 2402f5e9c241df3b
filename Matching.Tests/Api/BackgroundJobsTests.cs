using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Matching.Api.Infrastructure;
using Matching.Contracts;
using Matching.Geo;
using Matching.Model;
using Matching.Ranking;
using Matching.Service;
using Matching.Tests.Service;
using Matching.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Matching.Tests.Api;

/// <summary>
/// The background jobs on real services over a temp SQLite file, scheduled on a fake clock that only the test moves:
/// when a pass is due is decided by the clock alone, never by how fast this machine is.
/// </summary>
public class BackgroundJobsTests
{
    private string _file = null!;
    private ApplicationLifetime _lifetime = null!;
    private readonly List<IHostedService> _jobs = [];
    private readonly List<ServiceFixture> _fixtures = [];

    [SetUp]
    public void SetUp()
    {
        _file = Path.Combine(Path.GetTempPath(), "matching-tests", Guid.NewGuid().ToString("N"), "matching.db");
        Directory.CreateDirectory(Path.GetDirectoryName(_file)!);
        _lifetime = new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance);
    }

    [TearDown]
    public async Task TearDown()
    {
        foreach (var job in _jobs) await job.StopAsync(CancellationToken.None);
        foreach (var job in _jobs.OfType<IDisposable>()) job.Dispose();
        _lifetime.StopApplication();
        foreach (var fixture in _fixtures) fixture.Dispose();
        _fixtures.Clear();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Test]
    public async Task RetentionJob_StartedBeforeTheIndexLoads_FirstPassAsSoonAsTheServiceHasStarted()
    {
        var schedule = new SchedulingClock();
        var service = Service();
        await Start(new RetentionJob(service.Newcomers, Options.Create(new RetentionOptions { ErasedAfterMonths = 1 }), schedule, _lifetime, NullLogger<RetentionJob>.Instance));

        // The host's start, in its order: StartupWork loads the index (the fixture did), then the host reports it has started.
        service.Startup.Import([Ended("nc-ended")], [], "test");
        _lifetime.NotifyStarted();

        // No time passes on the scheduling clock: the first pass does not wait a day.
        await Eventually(() => service.Newcomers.Get("nc-ended") is null);
    }

    [Test]
    public async Task RetentionJob_AfterItsFirstPass_RunsOncePerDayOfTheClock()
    {
        var schedule = new SchedulingClock();
        var service = Service();
        service.Startup.Import([Ended("nc-1"), TestData.Newcomer("nc-current")], [], "test");
        _lifetime.NotifyStarted();
        await Start(new RetentionJob(service.Newcomers, Options.Create(new RetentionOptions { ErasedAfterMonths = 1 }), schedule, _lifetime, NullLogger<RetentionJob>.Instance));
        await Eventually(() => service.Newcomers.Get("nc-1") is null);
        await Eventually(() => schedule.Timers == 1); // the daily timer exists: the first pass is done

        service.Startup.Import([Ended("nc-2")], [], "test");
        schedule.Advance(RetentionJob.Every - TimeSpan.FromHours(1));
        service.Newcomers.Get("nc-2").Should().NotBeNull("a day has not passed since the first pass");
        schedule.Advance(TimeSpan.FromHours(1));
        await Eventually(() => service.Newcomers.Get("nc-2") is null);

        service.Startup.Import([Ended("nc-3")], [], "test");
        service.Newcomers.Get("nc-3").Should().NotBeNull();
        schedule.Advance(RetentionJob.Every);
        await Eventually(() => service.Newcomers.Get("nc-3") is null);
        service.Newcomers.Get("nc-current").Should().NotBeNull("its trajectory has not ended");
    }

    [Test]
    public async Task RetentionJob_InTheHost_FirstPassRightAfterStart()
    {
        string file;
        using (var first = new ApiFactory())
        {
            using var cms = first.Client(ApiFactory.CaseManagementKey);
            var ended = System.Text.Json.JsonSerializer.SerializeToNode(ApiFactory.NewcomerBody())!;
            ended["trajectoryEnd"] = "2025-10-31"; // over 12 months before the tests' day, 2026-11-02
            (await cms.PutAsJsonAsync("/api/v1/newcomers/nc-ended", ended)).EnsureSuccessStatusCode();
            (await cms.PutAsJsonAsync("/api/v1/newcomers/nc-open", ApiFactory.NewcomerBody())).EnsureSuccessStatusCode();
            file = first.DatabaseFile;
        }
        using var second = new ApiFactory(file, new Dictionary<string, string?> { ["Retention:ErasedAfterMonths"] = "12" });
        using var caseManagement = second.Client(ApiFactory.CaseManagementKey);
        await Eventually(async () => (await caseManagement.GetAsync("/api/v1/newcomers/nc-ended")).StatusCode == HttpStatusCode.NotFound);
        (await caseManagement.GetAsync("/api/v1/newcomers/nc-open")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task ChangeFeedSync_OtherInstancesWrites_AppliedOncePerInterval()
    {
        var schedule = new SchedulingClock();
        var writer = Service();
        var reader = Service();
        _lifetime.NotifyStarted();
        var interval = TimeSpan.FromMilliseconds(500);
        await Start(new ChangeFeedSync(reader.Feed, new ChangeFeedLag(schedule), Options.Create(new StorageOptions { SyncIntervalMs = (int)interval.TotalMilliseconds }), schedule, _lifetime,
            NullLogger<ChangeFeedSync>.Instance));
        await Eventually(() => schedule.Timers == 1);

        writer.Startup.Import([], [TestData.Offer("offer-1")], "test");
        schedule.Advance(interval / 2);
        reader.Store.Engine.OfferCount.Should().Be(0, "half an interval has passed: no sync yet");
        schedule.Advance(interval / 2);
        await Eventually(() => reader.Store.Engine.OfferCount == 1);

        writer.Startup.Import([], [TestData.Offer("offer-2"), TestData.Offer("offer-3")], "test");
        reader.Store.Engine.OfferCount.Should().Be(1);
        schedule.Advance(interval);
        await Eventually(() => reader.Store.Engine.OfferCount == 3);
    }

    [Test]
    public async Task ChangeFeedSync_EachSync_ResetsTheLagThatReadinessBounds()
    {
        var schedule = new SchedulingClock();
        var reader = Service();
        var lag = new ChangeFeedLag(schedule);
        var interval = TimeSpan.FromMilliseconds(500);
        await Start(new ChangeFeedSync(reader.Feed, lag, Options.Create(new StorageOptions { SyncIntervalMs = (int)interval.TotalMilliseconds }), schedule, _lifetime,
            NullLogger<ChangeFeedSync>.Instance));
        lag.Lag.Should().BeNull("the service has not started");
        _lifetime.NotifyStarted();
        await Eventually(() => schedule.Timers == 1);
        lag.Lag.Should().Be(TimeSpan.Zero, "the start loaded the index at the feed's end");

        schedule.Advance(interval / 2);
        lag.Lag.Should().Be(interval / 2);
        schedule.Advance(interval / 2);
        await Eventually(() => lag.Lag == TimeSpan.Zero);
    }

    /// <summary>Every room on the test's file with the tests' fixed business clock (started: the index is loaded).</summary>
    private ServiceFixture Service()
    {
        var fixture = new ServiceFixture(_file);
        _fixtures.Add(fixture);
        return fixture;
    }

    private static Newcomer Ended(string id) => TestData.Newcomer(id) with { TrajectoryEnd = TestData.Today.AddMonths(-2) };

    private async Task Start(IHostedService job)
    {
        _jobs.Add(job);
        await job.StartAsync(CancellationToken.None);
    }

    /// <summary>
    /// Waits until a pass the clock has made due is observed. The jobs run on the thread pool, so the wait is real, but
    /// it bounds only a hang: the schedule itself is asserted through the fake clock.
    /// </summary>
    private static Task Eventually(Func<bool> condition) => Eventually(() => Task.FromResult(condition()));

    private static async Task Eventually(Func<Task<bool>> condition)
    {
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            if (waited.Elapsed > TimeSpan.FromSeconds(30)) Assert.Fail("The job's pass was not observed within 30 seconds.");
            await Task.Delay(10);
        }
    }

    /// <summary>A fake clock that counts the timers made on it, so that a test advances it only once a job is waiting.</summary>
    private sealed class SchedulingClock : FakeTimeProvider
    {
        private int _timers;

        public int Timers => Volatile.Read(ref _timers);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            // Counted once the timer is registered: a test that sees the count and advances the clock must find the
            // timer there, or the advance would pass before the timer exists and its tick would never come.
            var timer = base.CreateTimer(callback, state, dueTime, period);
            Interlocked.Increment(ref _timers);
            return timer;
        }
    }
}
