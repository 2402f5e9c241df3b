using Matching.Contracts;
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
public sealed class SuggestionsService(MatchingStore store, NewcomersService newcomers)
{
    /// <summary>Ranked suggestions for a stored newcomer.</summary>
    public Result<SuggestionResult> SuggestFor(string newcomerId, RankingOptions options)
    {
        var newcomer = newcomers.Load(newcomerId);
        return newcomer is null
            ? Result<SuggestionResult>.NotFound($"No newcomer '{newcomerId}'.")
            : Result<SuggestionResult>.Ok(store.Engine.Suggest(newcomer, options));
    }

    /// <summary>Ranked suggestions for a newcomer given inline; nothing is stored.</summary>
    public Result<SuggestionResult> SuggestInline(NewcomerDocument? document, RankingOptions options)
    {
        var id = string.IsNullOrEmpty(document?.Id) ? "inline" : document.Id;
        var newcomer = store.Mapper.ToNewcomer(id, document, out var errors);
        return newcomer is null ? Result<SuggestionResult>.Invalid(errors) : Result<SuggestionResult>.Ok(store.Engine.Suggest(newcomer, options));
    }

    /// <summary>The best unplaced newcomers for an offer.</summary>
    public Result<CandidateResult> Candidates(string offerId, RankingOptions options)
    {
        var result = store.NewcomersLoaded
            ? store.Engine.Candidates(offerId, store.Newcomers, options)
            : store.Engine.Candidates(offerId, newcomers.Unplaced(), options);
        return result is null ? Result<CandidateResult>.NotFound($"No offer '{offerId}'.") : Result<CandidateResult>.Ok(result);
    }
}
