using System.Diagnostics;
using System.Diagnostics.Metrics;
using Matching.Scoring;

namespace Matching.Diagnostics;

/// <summary>
/// The service's own metrics (one <see cref="Meter"/>) and traces (one <see cref="ActivitySource"/>), both named
/// <see cref="Name"/>. Only <c>System.Diagnostics</c>: which of them are collected and where they go is the host's
/// business (the OpenTelemetry SDK there); nothing listens, nothing costs more than a flag check.
/// </summary>
/// <remarks>
/// <para>The meter comes from the host's <see cref="IMeterFactory"/> when there is one, so that each host (each
/// <c>WebApplicationFactory</c> in the tests) owns and disposes its own meter; without one (the core's tests, the
/// harness) it makes its own. The activity source is static: activities carry no per-host state, and OpenTelemetry
/// subscribes to sources by name.</para>
/// <para>Names follow OpenTelemetry's semantic conventions: a <c>matching.</c> namespace, dots between words, UCUM
/// units (<c>s</c>, <c>{offer}</c>), no <c>_total</c> suffix (exporters add it), attributes namespaced the same way.
/// No attribute ever holds a newcomer's attribute or an API key: ids, codes and names of keys only.</para>
/// <para>Thread-safe.</para>
/// </remarks>
public sealed class MatchingTelemetry : IDisposable
{
    /// <summary>The name of the meter and of the activity source.</summary>
    public const string Name = "Matching";

    /// <summary>Spans around ranking, storage and allocation.</summary>
    public static readonly ActivitySource Source = new(Name);

    private static readonly double[] LatencyBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
    private static readonly double[] SolveBuckets = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

    private readonly bool _ownsMeter;
    private readonly Histogram<double> _suggestionDuration;
    private readonly Counter<long> _suggestionsServed;
    private readonly Counter<long> _exclusions;
    private readonly Counter<long> _transitions;
    private readonly Counter<long> _refusals;
    private readonly Histogram<double> _allocationDuration;
    private readonly Histogram<double> _gateWait;
    private readonly Histogram<long> _allocationSize;
    private readonly Counter<long> _importBatches;
    private readonly Counter<long> _importRows;
    private readonly Counter<long> _rateLimited;

    /// <summary>Creates the instruments on a meter from <paramref name="meters"/>, or on a meter of its own.</summary>
    public MatchingTelemetry(IMeterFactory? meters = null)
    {
        _ownsMeter = meters is null;
        Meter = meters?.Create(Name) ?? new Meter(Name);
        _suggestionDuration = Meter.CreateHistogram("matching.suggestions.duration", "s",
            "Time to rank one request's suggestions or candidates, from the stored newcomer's read to the ranked answer.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        _suggestionsServed = Meter.CreateCounter<long>("matching.suggestions.served", "{suggestion}", "Suggestions (or candidates) returned.");
        _exclusions = Meter.CreateCounter<long>("matching.suggestions.exclusions", "{offer}", "Offers a hard constraint excluded from a ranking, by reason.");
        _transitions = Meter.CreateCounter<long>("matching.match.transitions", "{transition}", "Matches moved along their lifecycle (from none when proposed).");
        _refusals = Meter.CreateCounter<long>("matching.refusals", "{refusal}", "Writes the state refused (a full offer, an illegal transition, a stale version…), by operation and cause.");
        _allocationDuration = Meter.CreateHistogram("matching.allocation.duration", "s", "Time to build and solve one allocation run.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SolveBuckets });
        _gateWait = Meter.CreateHistogram("matching.write.gate.wait", "s",
            "Time a committed write that updates the in-memory state waited for its turn (every earlier one applied), which keeps the indexes in commit order.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        _allocationSize = Meter.CreateHistogram<long>("matching.allocation.cohort.size", "{newcomer}", "Newcomers in one allocation run.");
        _importBatches = Meter.CreateCounter<long>("matching.import.batches", "{batch}", "Bulk imports committed.");
        _importRows = Meter.CreateCounter<long>("matching.import.rows", "{row}", "Rows of committed bulk imports, by resource.");
        _rateLimited = Meter.CreateCounter<long>("matching.rate_limit.rejections", "{request}", "Requests the rate limiter refused, by API key name (never the key).");
    }

    /// <summary>The meter every instrument lives on.</summary>
    public Meter Meter { get; }

    /// <summary>
    /// Adds the observable instruments: the offers in this instance's index and this instance's change-feed lag (null
    /// while unknown). Called once by the host, which knows both.
    /// </summary>
    public void Observe(Func<long> indexedOffers, Func<double?> changeFeedLagSeconds)
    {
        Meter.CreateObservableUpDownCounter("matching.index.offers", indexedOffers, "{offer}", "Offers in this instance's in-memory index.");
        Meter.CreateObservableGauge("matching.change_feed.lag", () =>
            changeFeedLagSeconds() is { } lag ? [new Measurement<double>(lag)] : Array.Empty<Measurement<double>>(),
            "s", "Time since this instance last read the change feed to its end: how stale its index may be against other instances' writes.");
    }

    /// <summary>
    /// Adds the age of the current place prices (null while none were computed): how old the scarcity that orders
    /// suggestions and dynamic assignments is. Called once by the host; the callback reads the latest stored set.
    /// </summary>
    public void ObservePrices(Func<double?> pricesAgeSeconds) =>
        Meter.CreateObservableGauge("matching.scarcity.prices.age", () =>
            pricesAgeSeconds() is { } age ? [new Measurement<double>(age)] : Array.Empty<Measurement<double>>(),
            "s", "Time since the current place prices were computed (stored, the same on every instance).");

    /// <summary>One ranking request answered: one histogram record, one counter add, one add per exclusion reason seen.</summary>
    /// <param name="ranking">newcomer, inline or candidates.</param>
    /// <param name="startedAt">A <see cref="Stopwatch.GetTimestamp"/> taken when the request's work began.</param>
    /// <param name="served">Suggestions or candidates returned.</param>
    /// <param name="excluded">The answer's exclusion totals, already counted by the ranking.</param>
    internal void Ranked(string ranking, long startedAt, int served, ExclusionSummary excluded)
    {
        var tag = new KeyValuePair<string, object?>("matching.ranking", ranking);
        _suggestionDuration.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds, tag);
        _suggestionsServed.Add(served, tag);
        if (!_exclusions.Enabled || excluded.Total == 0) return;
        foreach (var (reason, count) in excluded.ByReason)
        {
            if (count > 0) _exclusions.Add(count, new KeyValuePair<string, object?>("matching.exclusion.reason", reason));
        }
    }

    /// <summary>A write entered the write gate; <paramref name="startedAt"/> is when it began to wait.</summary>
    internal void GateEntered(long startedAt) => _gateWait.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds);

    /// <summary>A match moved from <paramref name="from"/> (none when proposed) to <paramref name="to"/>.</summary>
    internal void Moved(string from, string to, int count = 1) =>
        _transitions.Add(count, new KeyValuePair<string, object?>("matching.match.from", from), new KeyValuePair<string, object?>("matching.match.to", to));

    /// <summary>The state refused a write; returns <paramref name="result"/> so that a call site stays one line.</summary>
    /// <param name="operation">What was tried, e.g. match.accept.</param>
    /// <param name="cause">Why it was refused, e.g. full, stale, illegal_transition.</param>
    /// <param name="result">The refusal to hand back.</param>
    internal T Refused<T>(string operation, string cause, T result)
    {
        _refusals.Add(1, new KeyValuePair<string, object?>("matching.operation", operation), new KeyValuePair<string, object?>("matching.refusal.cause", cause));
        return result;
    }

    /// <summary>One allocation run of <paramref name="cohort"/> newcomers took the time since <paramref name="startedAt"/>.</summary>
    internal void Allocated(string mode, int cohort, long startedAt)
    {
        var tag = new KeyValuePair<string, object?>("matching.allocation.mode", mode);
        _allocationDuration.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds, tag);
        _allocationSize.Record(cohort, tag);
    }

    /// <summary>One bulk import committed.</summary>
    internal void Imported(int newcomers, int offers)
    {
        _importBatches.Add(1);
        _importRows.Add(newcomers, new KeyValuePair<string, object?>("matching.import.resource", "newcomer"));
        _importRows.Add(offers, new KeyValuePair<string, object?>("matching.import.resource", "offer"));
    }

    /// <summary>The rate limiter refused a request of the key named <paramref name="keyName"/>.</summary>
    public void RateLimited(string keyName) => _rateLimited.Add(1, new KeyValuePair<string, object?>("matching.api_key.name", keyName));

    /// <summary>Disposes the meter when this instance made it (a factory's meters go with the factory).</summary>
    public void Dispose()
    {
        if (_ownsMeter) Meter.Dispose();
    }
}
