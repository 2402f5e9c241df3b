using Matching.Geo;
using Matching.Model;

namespace Matching.Scoring;

/// <summary>The profile an answer was computed with.</summary>
/// <param name="Name">Profile name.</param>
/// <param name="Version">Profile version.</param>
public sealed record ProfileRef(string Name, int Version);

/// <summary>One criterion of a score: its score in [0, 1], its normalised weight and their product.</summary>
/// <param name="Name">The criterion's wire name.</param>
/// <param name="Score">The criterion's score in [0, 1].</param>
/// <param name="Weight">The normalised weight.</param>
/// <param name="Contribution">Score × weight; the contributions of a suggestion sum to its score.</param>
public sealed record CriterionScore(string Name, double Score, double Weight, double Contribution);

/// <summary>A municipality as answers name it: the NIS code (of 1 January 2025) and the Dutch name.</summary>
/// <param name="Nis">The 5-digit NIS code.</param>
/// <param name="Name">The Dutch name, else the French or German one.</param>
public sealed record MunicipalityRef(string Nis, string Name)
{
    /// <summary>The municipality of a location: its stored NIS code, else the one its point lies in; null abroad.</summary>
    public static MunicipalityRef? Of(Location location)
    {
        var geography = BelgianGeography.Default;
        var municipality = location.Municipality is { } nis && geography.TryGetMunicipality(nis, out var m) ? m : geography.MunicipalityOf(location.Point);
        return municipality is null ? null : new MunicipalityRef(municipality.Nis, municipality.Name);
    }
}

/// <summary>
/// What a case-management screen shows of a suggested offer, so that a list of suggestions needs no call per row.
/// <see cref="PlacesFree"/> is the ranking's own count (the offer index): current on this instance, eventually
/// consistent with writes on other instances; GET /api/v1/offers/{id} reads the database.
/// </summary>
/// <param name="Title">The offer's title.</param>
/// <param name="Kind">The kind (wire name).</param>
/// <param name="Setting">The setting (wire name).</param>
/// <param name="Organisation">The organisation, when given.</param>
/// <param name="Remote">Whether it is done remotely.</param>
/// <param name="Place">The place name, when given.</param>
/// <param name="Municipality">The municipality it lies in, or null abroad.</param>
/// <param name="DistanceKm">Distance from the newcomer, km, one decimal.</param>
/// <param name="PlacesFree">Capacity minus places held, as the ranking saw it.</param>
/// <param name="StartsOn">First day, when given.</param>
/// <param name="EndsOn">Last day, when given.</param>
public sealed record OfferSummary(string Title, string Kind, string Setting, string? Organisation, bool Remote, string? Place,
    MunicipalityRef? Municipality, double DistanceKm, int PlacesFree, DateOnly? StartsOn, DateOnly? EndsOn)
{
    /// <summary>The summary of a ranked offer: built only for the winners, never in the scan.</summary>
    public static OfferSummary Of(Offer offer, int held, double km) =>
        new(offer.Title, WireNames.Of(offer.Kind), WireNames.Of(offer.Setting), offer.Organisation, offer.Remote, offer.Location.Place,
            MunicipalityRef.Of(offer.Location), Math.Round(km, 1), Math.Max(0, offer.Capacity - held), offer.StartsOn, offer.EndsOn);
}

/// <summary>
/// What an organisation may see of a ranked newcomer: the Dutch level, the municipality, the distance and the goals.
/// No other personal attribute (no age, gender, languages, interests or availability).
/// </summary>
/// <param name="DutchLevel">The CEFR level.</param>
/// <param name="Municipality">The municipality the newcomer lives in, or null abroad.</param>
/// <param name="DistanceKm">Distance to the offer, km, one decimal.</param>
/// <param name="Goals">The goals (wire names).</param>
public sealed record CandidateSummary(string DutchLevel, MunicipalityRef? Municipality, double DistanceKm, IReadOnlyList<string> Goals)
{
    /// <summary>The summary of a ranked newcomer: built only for the winners.</summary>
    public static CandidateSummary Of(Newcomer newcomer, double km) =>
        new(newcomer.DutchLevel.ToString(), MunicipalityRef.Of(newcomer.Location), Math.Round(km, 1), newcomer.Goals.Select(g => WireNames.Of(g)).ToList());
}

/// <summary>One ranked offer for a newcomer.</summary>
/// <param name="OfferId">The offer.</param>
/// <param name="Rank">1 for the best.</param>
/// <param name="Score">The weighted score in [0, 1].</param>
/// <param name="Offer">What a screen shows of the offer.</param>
/// <param name="Criteria">Every criterion's part of the score.</param>
/// <param name="Reasons">One to four sentences in the asked language.</param>
public sealed record Suggestion(string OfferId, int Rank, double Score, OfferSummary Offer, IReadOnlyList<CriterionScore> Criteria, IReadOnlyList<string> Reasons)
{
    /// <summary>The scarcity adjustment when suggestions were ordered by score − price (scarcity=true), else null.</summary>
    public ScarcityAdjustment? Scarcity { get; init; }
}

/// <summary>
/// The line a price adds to a suggestion's explanation: the criteria's contributions plus <see cref="Adjustment"/> equal
/// <see cref="OrderingValue"/>, the value the list is ordered by; the score itself is unchanged.
/// </summary>
/// <param name="Price">The current price of one of the offer's places (score units, ≥ 0).</param>
/// <param name="Weight">The profile's scarcity weight.</param>
/// <param name="Adjustment">−weight × price.</param>
/// <param name="OrderingValue">Score + adjustment.</param>
/// <param name="PlacesFree">The offer's free places when the price was computed.</param>
/// <param name="ExpectedCandidates">Newcomers the coming weeks are expected to bring for it.</param>
public sealed record ScarcityAdjustment(double Price, double Weight, double Adjustment, double OrderingValue, int PlacesFree, double ExpectedCandidates);

/// <summary>
/// Whether a newcomer is better off waiting a week, given with suggestions ordered by score − price (scarcity=true):
/// advised when every feasible offer with a free place is worth less to this newcomer than its price,
/// V + score − weight × price &lt; 0 for each (at the scarcity weight 1 exactly the priced batch's rule for holding a
/// newcomer back, with V the placement value the prices were computed with), and at least one of those offers is still
/// feasible a week from today. The offers weighed are every feasible one with a free place of the kinds asked, not only
/// the listed ones; a newcomer with a hundred or more is never advised (the engine's widest list may not hold them all).
/// The advice only adds: the list is the same with or without it.
/// </summary>
/// <param name="Advised">True when waiting a week is advised.</param>
/// <param name="PlacementValue">V: the value of a placement beside its score, as the current prices were computed with.</param>
/// <param name="BestValue">
/// V plus the highest ordering value among the feasible offers: what the best of them is worth to this newcomer beyond its
/// price; below 0 every place is worth more to the newcomers the coming weeks are expected to bring.
/// </param>
/// <param name="OffersOpenNextWeek">
/// When every offer is priced out: how many of them are still feasible a week from today, places aside (0: nothing to wait
/// for, no advice); otherwise null.
/// </param>
/// <param name="Sentence">The advice in the asked language, to read aloud; null when not advised.</param>
public sealed record WaitAdvice(bool Advised, double PlacementValue, double BestValue, int? OffersOpenNextWeek, string? Sentence);

/// <summary>One ranked newcomer for an offer (the reverse ranking).</summary>
/// <param name="NewcomerId">The newcomer.</param>
/// <param name="Rank">1 for the best.</param>
/// <param name="Score">The weighted score in [0, 1].</param>
/// <param name="Newcomer">What the organisation may see of the newcomer.</param>
/// <param name="Criteria">Every criterion's part of the score.</param>
/// <param name="Reasons">One to four sentences in the asked language; first, when the offer states preferences, that the list follows them.</param>
/// <param name="OfferSide">
/// The offer's own view of the newcomer when it states preferences (and the list is ordered by it); null otherwise,
/// when the list is ordered by <paramref name="Score"/>.
/// </param>
public sealed record Candidate(string NewcomerId, int Rank, double Score, CandidateSummary Newcomer, IReadOnlyList<CriterionScore> Criteria,
    IReadOnlyList<string> Reasons, OfferSide? OfferSide = null);

/// <summary>An offer's view of a newcomer under its own preferences: the same criterion scores, the offer's weights.</summary>
/// <param name="Score">Σ the offer's weight × criterion score, in [0, 1]: what the offer's candidate list is ordered by.</param>
/// <param name="Criteria">Per criterion, the score, the offer's weight and the contribution; contributions sum to the score.</param>
public sealed record OfferSide(double Score, IReadOnlyList<CriterionScore> Criteria);

/// <summary>How many were excluded by hard constraints, in total and per reason (wire names, only reasons that occurred).</summary>
/// <param name="Total">All excluded.</param>
/// <param name="ByReason">Count per reason.</param>
public sealed record ExclusionSummary(int Total, IReadOnlyDictionary<string, int> ByReason);

/// <summary>The ranked, explained suggestions for one newcomer.</summary>
/// <param name="NewcomerId">The newcomer.</param>
/// <param name="Profile">The profile used.</param>
/// <param name="Suggestions">Best first.</param>
/// <param name="Excluded">What the hard constraints excluded.</param>
public sealed record SuggestionResult(string NewcomerId, ProfileRef Profile, IReadOnlyList<Suggestion> Suggestions, ExclusionSummary Excluded)
{
    /// <summary>
    /// With suggestions ordered by score − price (scarcity=true) and at least one feasible offer: whether waiting a week is
    /// advised, and why; else null.
    /// </summary>
    public WaitAdvice? WaitAdvice { get; init; }
}

/// <summary>The ranked, explained newcomers for one offer.</summary>
/// <param name="OfferId">The offer.</param>
/// <param name="Profile">The profile used.</param>
/// <param name="Candidates">Best first.</param>
/// <param name="Excluded">What the hard constraints excluded.</param>
public sealed record CandidateResult(string OfferId, ProfileRef Profile, IReadOnlyList<Candidate> Candidates, ExclusionSummary Excluded);

/// <summary>One pair evaluated on its own: excluded (and why) or scored and explained.</summary>
/// <param name="Excluded">The first hard constraint it breaks, or null.</param>
/// <param name="Score">The weighted score (0 when excluded).</param>
/// <param name="Criteria">The criteria (empty when excluded).</param>
/// <param name="Reasons">Sentences (the exclusion's when excluded).</param>
public sealed record PairEvaluation(string? Excluded, double Score, IReadOnlyList<CriterionScore> Criteria, IReadOnlyList<string> Reasons);
