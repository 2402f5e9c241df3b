using System.Diagnostics;
using Matching.Contracts;
using Matching.Diagnostics;
using Matching.Model;
using Matching.Ranking;
using Matching.Scoring;

namespace Matching.Service;

/// <summary>
/// Ranked suggestions for a stored or inline newcomer, and the reverse ranking of unplaced newcomers for an offer.
/// </summary>
/// <remarks>
/// A room of its own rather than part of the engine: <see cref="MatchingEngine"/> ranks models it is given and knows
/// nothing of storage, which keeps it testable against the reference scorer and usable by the harness without a
/// database. This room joins the two: it loads stored newcomers (from the newcomer index, through <see cref="NewcomersService"/>)
/// and hands them to the engine. It writes nothing. Thread-safe.
/// </remarks>
public sealed class SuggestionsService(MatchingStore store, NewcomersService newcomers, ScarcityService? scarcity = null)
{
    /// <summary>
    /// Ranked suggestions for a stored newcomer; with <paramref name="byScarcity"/>, ordered by score − weight × price
    /// (see <see cref="Suggest"/>).
    /// </summary>
    public Result<SuggestionResult> SuggestFor(string newcomerId, RankingOptions options, bool byScarcity = false)
    {
        var started = Stopwatch.GetTimestamp();
        using var span = MatchingTelemetry.Source.StartActivity("matching.suggestions newcomer");
        var newcomer = newcomers.Load(newcomerId);
        return newcomer is null
            ? Result<SuggestionResult>.NotFound($"No newcomer '{newcomerId}'.")
            : Result<SuggestionResult>.Ok(Ranked("newcomer", started, Suggest(newcomer, options, byScarcity)));
    }

    /// <summary>Ranked suggestions for a newcomer given inline; nothing is stored.</summary>
    public Result<SuggestionResult> SuggestInline(NewcomerDocument? document, RankingOptions options, bool byScarcity = false)
    {
        var started = Stopwatch.GetTimestamp();
        using var span = MatchingTelemetry.Source.StartActivity("matching.suggestions inline");
        var id = string.IsNullOrEmpty(document?.Id) ? "inline" : document.Id;
        var newcomer = store.Mapper.ToNewcomer(id, document, out var errors);
        return newcomer is null ? Result<SuggestionResult>.Invalid(errors) : Result<SuggestionResult>.Ok(Ranked("inline", started, Suggest(newcomer, options, byScarcity)));
    }

    /// <summary>
    /// The engine's suggestions, or with <paramref name="byScarcity"/> (when the profile's scarcity weight is above 0 and
    /// prices exist) the best feasible offers ordered by score − weight × price: each keeps its score and criteria, gains
    /// the adjustment as its own line and, for a priced offer, a sentence saying why. A price reorders; it never hides
    /// an offer: the list is drawn from the engine's best <see cref="RankingOptions.MaxLimit"/> by score.
    /// </summary>
    private SuggestionResult Suggest(Newcomer newcomer, RankingOptions options, bool byScarcity)
    {
        var profile = options.Profile ?? WeightProfile.Default;
        var weight = profile.ScarcityWeight;
        if (!byScarcity || weight <= 0 || scarcity?.Current() is not { } prices) return store.Engine.Suggest(newcomer, options);
        var byOffer = prices.Offers.ToDictionary(p => p.OfferId, StringComparer.Ordinal);
        var wide = store.Engine.Suggest(newcomer, options with { Limit = RankingOptions.MaxLimit });
        var adjusted = wide.Suggestions.Select(x =>
        {
            var p = byOffer.GetValueOrDefault(x.OfferId);
            var price = p?.Price ?? 0;
            var adjustment = -weight * price;
            var line = new ScarcityAdjustment(price, weight, adjustment, x.Score + adjustment, p?.PlacesFree ?? 0, p?.ExpectedCandidates ?? 0);
            var reasons = price > 0 ? x.Reasons.Append(Sentence(line, options.Language)).ToList() : x.Reasons;
            return x with { Reasons = reasons, Scarcity = line };
        })
        .OrderByDescending(x => x.Scarcity!.OrderingValue).ThenByDescending(x => x.Score).ThenBy(x => x.OfferId, StringComparer.Ordinal)
        .Take(options.Limit)
        .Select((x, i) => x with { Rank = i + 1 })
        .ToList();
        return wide with { Suggestions = adjusted };
    }

    /// <summary>Why a priced offer moved down, in words a case worker can read aloud.</summary>
    internal static string Sentence(ScarcityAdjustment a, ReasonLanguage language)
    {
        var free = a.PlacesFree;
        var expected = (int)Math.Round(a.ExpectedCandidates);
        return language == ReasonLanguage.En
            ? $"In demand: {free} free place{(free == 1 ? "" : "s")} for an estimated {expected} candidate{(expected == 1 ? "" : "s")} in the coming weeks."
            : $"Veel gevraagd: {free} vrije plaats{(free == 1 ? "" : "en")} voor naar schatting {expected} kandida{(expected == 1 ? "at" : "ten")} de komende weken.";
    }

    /// <summary>The best unplaced newcomers for an offer.</summary>
    public Result<CandidateResult> Candidates(string offerId, RankingOptions options)
    {
        var started = Stopwatch.GetTimestamp();
        using var span = MatchingTelemetry.Source.StartActivity("matching.suggestions candidates");
        var result = store.NewcomersLoaded
            ? store.Engine.Candidates(offerId, store.Newcomers, options)
            : store.Engine.Candidates(offerId, newcomers.Unplaced(), options);
        if (result is null) return Result<CandidateResult>.NotFound($"No offer '{offerId}'.");
        store.Telemetry.Ranked("candidates", started, result.Candidates.Count, result.Excluded);
        return Result<CandidateResult>.Ok(result);
    }

    private SuggestionResult Ranked(string ranking, long started, SuggestionResult result)
    {
        store.Telemetry.Ranked(ranking, started, result.Suggestions.Count, result.Excluded);
        return result;
    }
}
