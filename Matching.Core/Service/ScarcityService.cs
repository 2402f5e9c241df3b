using System.Globalization;
using System.Text.Json;
using Dapper;
using Matching.Allocation;
using Matching.Contracts;
using Matching.Model;
using Matching.Storage;

namespace Matching.Service;

/// <summary>How place prices are computed from the recent arrivals.</summary>
public sealed record ScarcitySettings
{
    /// <summary>Newcomers who reached the fourth pillar in this many days before now are the recent arrivals (1..365, default 28).</summary>
    public int WindowDays { get; init; } = 28;
    /// <summary>How far ahead the sampled future reaches, in days (1..730, default 91).</summary>
    public int HorizonDays { get; init; } = 91;
    /// <summary>Sampled futures averaged (1..100, default 5).</summary>
    public int Samples { get; init; } = 5;
    /// <summary>The value of a placement beside its score (0..1000, default 1), as <see cref="PricingOptions.PlacementValue"/>.</summary>
    public double PlacementValue { get; init; } = 1;
    /// <summary>Best feasible offers per recent newcomer in the LP (1..100, default 50).</summary>
    public int CandidatesPerNewcomer { get; init; } = 50;
}

/// <summary>What one computation of prices started from.</summary>
/// <param name="RecentNewcomers">Newcomers who reached the fourth pillar in the window (created in it and started, or
/// starting in it).</param>
/// <param name="WindowDays">The window, in days.</param>
/// <param name="HorizonDays">The future, in days.</param>
/// <param name="ExpectedArrivals">Newcomers each sampled future draws: the window's rate over the horizon less the
/// <see cref="ScarcityInputs.KnownIntakes"/> (they are part of that volume, known by name), at least 0.</param>
/// <param name="Samples">Sampled futures.</param>
/// <param name="PlacementValue">The value of a placement beside its score.</param>
/// <param name="Profile">The weight profile the scores come from.</param>
public sealed record ScarcityInputs(int RecentNewcomers, int WindowDays, int HorizonDays, double ExpectedArrivals, int Samples,
    double PlacementValue, string Profile)
{
    /// <summary>
    /// Registered intakes: newcomers whose trajectory starts within the horizon (after today), each a known row of every
    /// sampled future with their candidates as of their start (0 in prices computed before they were counted).
    /// </summary>
    public int KnownIntakes { get; init; }
}

/// <summary>One offer's price per place.</summary>
/// <param name="OfferId">The offer.</param>
/// <param name="Price">The price of one place in score units, ≥ 0 (0: the sampled futures do not fill it).</param>
/// <param name="PlacesFree">Its free places when the price was computed.</param>
/// <param name="ExpectedCandidates">Newcomers the horizon is expected to bring for whom it is one of the best feasible offers.</param>
public sealed record PlacePrice(string OfferId, double Price, int PlacesFree, double ExpectedCandidates);

/// <summary>An offer's price per place as its read shows it.</summary>
/// <param name="Price">The price of one place in score units, ≥ 0 (0 also for an offer no recent newcomer was a candidate for).</param>
/// <param name="ExpectedCandidates">Newcomers the coming weeks are expected to bring for it.</param>
/// <param name="ComputedAt">When the prices were computed.</param>
public sealed record OfferScarcity(double Price, double ExpectedCandidates, DateTimeOffset ComputedAt);

/// <summary>A stored set of prices: when, by whom, from what, and per offer (highest price first).</summary>
/// <param name="Id">The computation's id.</param>
/// <param name="ComputedAt">When.</param>
/// <param name="ComputedBy">The caller's key name, or "scheduler".</param>
/// <param name="Inputs">What it started from.</param>
/// <param name="Offers">Every offer that was a candidate of a recent newcomer.</param>
public sealed record ScarcityPrices(string Id, DateTimeOffset ComputedAt, string ComputedBy, ScarcityInputs Inputs, IReadOnlyList<PlacePrice> Offers);

/// <summary>
/// Prices per offer place, computed from the recent arrivals with the simulation's method (<see cref="PlacePricing"/>)
/// and stored, so that every instance serves the same prices.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed class ScarcityService(MatchingStore store, WeightProfilesService profiles)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly WriteContext _writer = store.Writer;
    private readonly Lock _gate = new();
    private (ScarcityPrices Prices, Dictionary<string, PlacePrice> ByOffer)? _cached;

    /// <summary>
    /// Computes prices from the newcomers who reached the fourth pillar in the window (their best feasible offers today,
    /// the offers' free places, a future of the window's rate over the horizon) and the registered intakes (newcomers whose
    /// trajectory starts within the horizon: one known row each in every sampled future, with their best feasible offers
    /// as of their start, and that many fewer sampled arrivals), and stores them as the current prices.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of its documented range.</exception>
    public ScarcityPrices Recompute(ScarcitySettings settings, string actor)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.WindowDays, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(settings.WindowDays, 365);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.HorizonDays, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(settings.HorizonDays, 730);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.CandidatesPerNewcomer, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(settings.CandidatesPerNewcomer, 100);

        var now = _writer.Time.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var from = now.AddDays(-settings.WindowDays);
        List<Newcomer> recent, known;
        using (var connection = _writer.Database.Open())
        {
            recent = Read(connection, ScarcitySql.ReachedPillarSince, new { since = WriteContext.Stamp(from), sinceDay = Day(DateOnly.FromDateTime(from.UtcDateTime)), today = Day(today) });
            known = Read(connection, ScarcitySql.StartingBetween, new { today = Day(today), until = Day(today.AddDays(settings.HorizonDays)) });
        }
        var profile = profiles.Resolve(null) ?? Scoring.WeightProfile.Default;
        // The engine evaluates a known intake as of their start: their candidates are the offers still open then.
        var everyone = recent.Concat(known).ToList();
        var rows = new List<(double Score, Offer Offer, int Held)>[everyone.Count];
        Parallel.For(0, everyone.Count, i => rows[i] = store.Engine.TopCandidates(everyone[i], profile, null, settings.CandidatesPerNewcomer));

        // Offers numbered by id, so that the same stored state gives the same problem and the same prices.
        var offers = rows.SelectMany(r => r).GroupBy(x => x.Offer.Id, StringComparer.Ordinal)
            .Select(g => g.First()).OrderBy(x => x.Offer.Id, StringComparer.Ordinal).ToList();
        var indexOf = offers.Select((o, j) => (o.Offer.Id, j)).ToDictionary(x => x.Id, x => x.j, StringComparer.Ordinal);
        var free = offers.Select(o => Math.Max(0, o.Offer.Capacity - o.Held)).ToArray();
        var recentPairs = new List<CandidatePair>();
        var knownPairs = new List<CandidatePair>();
        var reach = new int[offers.Count];
        var knownReach = new int[offers.Count];
        for (var i = 0; i < rows.Length; i++)
        {
            var isKnown = i >= recent.Count;
            foreach (var (score, offer, _) in rows[i])
            {
                var s = Math.Clamp(score, 0, 1);
                var j = indexOf[offer.Id];
                if (isKnown) { knownPairs.Add(new CandidatePair(i - recent.Count, j, s, s)); knownReach[j]++; }
                else { recentPairs.Add(new CandidatePair(i, j, s, s)); reach[j]++; }
            }
        }
        // The known intakes are part of the volume the window's rate foresees: the sampled future brings that many fewer.
        var expected = Math.Max(0, recent.Count * settings.HorizonDays / (double)settings.WindowDays - known.Count);
        var scale = recent.Count == 0 ? 0 : expected / recent.Count;
        var prices = PlacePricing.Estimate(new AllocationProblem(recent.Count, free, recentPairs), expected,
            new PricingOptions { Samples = settings.Samples, PlacementValue = settings.PlacementValue },
            known.Count == 0 ? null : new AllocationProblem(known.Count, free, knownPairs));
        var result = new ScarcityPrices(
            "p-" + Guid.NewGuid().ToString("N"), DateTimeOffset.Parse(WriteContext.Stamp(now), CultureInfo.InvariantCulture), actor,
            new ScarcityInputs(recent.Count, settings.WindowDays, settings.HorizonDays, Math.Round(expected, 3), settings.Samples, settings.PlacementValue, profile.Name)
            {
                KnownIntakes = known.Count,
            },
            offers.Select((o, j) => new PlacePrice(o.Offer.Id, Math.Round(prices[j], 6), free[j], Math.Round(reach[j] * scale + knownReach[j], 3)))
                .OrderByDescending(p => p.Price).ThenBy(p => p.OfferId, StringComparer.Ordinal).ToList());
        _writer.Write((c, t) =>
        {
            c.Execute(ScarcitySql.Insert, new
            {
                id = result.Id,
                at = WriteContext.Stamp(now),
                actor,
                inputs = JsonSerializer.Serialize(result.Inputs, Json),
                prices = JsonSerializer.Serialize(result.Offers, Json),
            }, t);
            _writer.Audit(c, t, actor, "scarcity.recomputed", "scarcity", result.Id, $"recent={recent.Count} known={known.Count} offers={result.Offers.Count}");
            return true;
        });
        return result;
    }

    /// <summary>The newcomers a query returns as the engine's model (a stored document that no longer validates is skipped).</summary>
    private List<Newcomer> Read(System.Data.Common.DbConnection connection, string sql, object parameters)
    {
        var result = new List<Newcomer>();
        foreach (var (id, json) in connection.Query<(string Id, string Document)>(sql, parameters, buffered: false))
        {
            if (store.Mapper.ToNewcomer(id, JsonSerializer.Deserialize<NewcomerDocument>(json, DocumentJson.Options), out _) is { } n) result.Add(n);
        }
        return result;
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The current prices (the latest stored), or null when none were computed yet.</summary>
    /// <remarks>Every call asks the database which set is the latest (so that every instance serves the same one) and
    /// parses a set only once.</remarks>
    public ScarcityPrices? Current() => Latest()?.Prices;

    /// <summary>One offer's current price, or null when none were computed yet.</summary>
    public OfferScarcity? Of(string offerId)
    {
        if (Latest() is not { } latest) return null;
        var p = latest.ByOffer.GetValueOrDefault(offerId);
        return new OfferScarcity(p?.Price ?? 0, p?.ExpectedCandidates ?? 0, latest.Prices.ComputedAt);
    }

    private (ScarcityPrices Prices, Dictionary<string, PlacePrice> ByOffer)? Latest()
    {
        var id = _writer.Read(c => c.QuerySingleOrDefault<string>(ScarcitySql.LatestId));
        if (id is null) return null;
        lock (_gate)
        {
            if (_cached is { } hit && hit.Prices.Id == id) return hit;
        }
        var row = _writer.Read(c => c.QuerySingleOrDefault<(string Id, string ComputedAt, string ComputedBy, string Inputs, string Prices)>(ScarcitySql.ById, new { id }));
        if (row.Id is null) return null;
        var prices = new ScarcityPrices(row.Id, DateTimeOffset.Parse(row.ComputedAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
            row.ComputedBy, JsonSerializer.Deserialize<ScarcityInputs>(row.Inputs, Json)!, JsonSerializer.Deserialize<List<PlacePrice>>(row.Prices, Json)!);
        var entry = (prices, prices.Offers.ToDictionary(p => p.OfferId, StringComparer.Ordinal));
        lock (_gate) _cached = entry;
        return entry;
    }
}
