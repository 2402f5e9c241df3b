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
    /// the adjustment as its own line and, for a priced offer, a sentence saying why; the answer gains the wait advice
    /// (<see cref="Advise"/>). A price reorders; it never hides an offer: the list is drawn from the engine's best
    /// <see cref="RankingOptions.MaxLimit"/> by score.
    /// </summary>
    private SuggestionResult Suggest(Newcomer newcomer, RankingOptions options, bool byScarcity)
    {
        var profile = options.Profile ?? WeightProfile.Default;
        var weight = profile.ScarcityWeight;
        if (!byScarcity || weight <= 0 || scarcity?.Current() is not { } prices) return store.Engine.Suggest(newcomer, options);
        var byOffer = prices.Offers.ToDictionary(p => p.OfferId, StringComparer.Ordinal);
        var wide = store.Engine.Suggest(newcomer, options with { Limit = RankingOptions.MaxLimit });
        var ordered = wide.Suggestions.Select(x =>
        {
            var p = byOffer.GetValueOrDefault(x.OfferId);
            var price = p?.Price ?? 0;
            var adjustment = -weight * price;
            var line = new ScarcityAdjustment(price, weight, adjustment, x.Score + adjustment, p?.PlacesFree ?? 0, p?.ExpectedCandidates ?? 0);
            var reasons = price > 0 ? x.Reasons.Append(Sentence(line, options.Language)).ToList() : x.Reasons;
            return x with { Reasons = reasons, Scarcity = line };
        })
        .OrderByDescending(x => x.Scarcity!.OrderingValue).ThenByDescending(x => x.Score).ThenBy(x => x.OfferId, StringComparer.Ordinal)
        .ToList();
        // Fewer than the engine's largest list: it is every feasible offer with a free place (of the kinds asked).
        var advice = Advise(newcomer, options, prices.Inputs.PlacementValue, ordered, complete: wide.Suggestions.Count < RankingOptions.MaxLimit);
        var listed = ordered.Take(options.Limit).Select((x, i) => x with { Rank = i + 1 }).ToList();
        return wide with { Suggestions = listed, WaitAdvice = advice };
    }

    /// <summary>
    /// The wait advice over <paramref name="ordered"/>, every feasible offer with a free place, best ordering value first:
    /// advised when each is worth less to the newcomer than its price (<paramref name="placementValue"/> + ordering value
    /// &lt; 0, the value the prices were computed with: the priced batch's rule for holding a newcomer back) and one of
    /// them is still feasible a week from today (else there is nothing to wait for, as in the simulation's policy 4b).
    /// Not advised when the list may be incomplete (a hundred feasible offers or more); null when it is empty.
    /// </summary>
    private WaitAdvice? Advise(Newcomer newcomer, RankingOptions options, double placementValue, List<Suggestion> ordered, bool complete)
    {
        if (ordered.Count == 0) return null;
        var best = placementValue + ordered[0].Scarcity!.OrderingValue;
        if (best >= 0 || !complete) return new WaitAdvice(false, placementValue, best, null, null);
        var open = store.Engine.FeasibleOn(newcomer, options.Profile ?? WeightProfile.Default, options.Kinds, store.Engine.Today.AddDays(7),
            ordered.Select(x => x.OfferId));
        if (open == 0) return new WaitAdvice(false, placementValue, best, 0, null);
        // The best fit by score (of equal scores the first listed), whose demand the sentence names.
        var bestFit = ordered.MaxBy(x => x.Score)!.Scarcity!;
        var places = ordered.Sum(x => x.Scarcity!.PlacesFree);
        return new WaitAdvice(true, placementValue, best, open, WaitSentence(ordered.Count, places, bestFit, options.Language));
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

    /// <summary>Why a case worker advises to wait a week, in words to read aloud, with the price job's numbers.</summary>
    internal static string WaitSentence(int offers, int places, ScarcityAdjustment bestFit, ReasonLanguage language)
    {
        var expected = (int)Math.Round(bestFit.ExpectedCandidates);
        if (language == ReasonLanguage.En)
        {
            var candidates = $"an estimated {expected} candidate{(expected == 1 ? "" : "s")} in the coming weeks";
            var why = offers == 1
                ? $"the only fitting offer is in more demand now than this match is worth ({Places(bestFit.PlacesFree)} for {candidates})"
                : $"all {offers} fitting offers are in more demand now than this match is worth ({Places(places)} together; the best-fitting one has {candidates})";
            return $"Better to wait a week: {why}; a better chance is expected next week.";

            static string Places(int n) => $"{n} free place{(n == 1 ? "" : "s")}";
        }
        var kandidaten = $"naar schatting {expected} kandida{(expected == 1 ? "at" : "ten")} de komende weken";
        var waarom = offers == 1
            ? $"het enige passende project is nu meer gevraagd dan deze match waard is ({Plaatsen(bestFit.PlacesFree)} voor {kandidaten})"
            : $"alle {offers} passende projecten zijn nu meer gevraagd dan deze match waard is (samen {Plaatsen(places)}; het best passende heeft {kandidaten})";
        return $"Beter een week wachten: {waarom}; volgende week komt er naar verwachting een betere kans.";

        static string Plaatsen(int n) => $"{n} vrije plaats{(n == 1 ? "" : "en")}";
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
