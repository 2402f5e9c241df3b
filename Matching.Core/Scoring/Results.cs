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

/// <summary>One ranked offer for a newcomer.</summary>
/// <param name="OfferId">The offer.</param>
/// <param name="Rank">1 for the best.</param>
/// <param name="Score">The weighted score in [0, 1].</param>
/// <param name="Criteria">Every criterion's part of the score.</param>
/// <param name="Reasons">One to four sentences in the asked language.</param>
public sealed record Suggestion(string OfferId, int Rank, double Score, IReadOnlyList<CriterionScore> Criteria, IReadOnlyList<string> Reasons)
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

/// <summary>One ranked newcomer for an offer (the reverse ranking).</summary>
/// <param name="NewcomerId">The newcomer.</param>
/// <param name="Rank">1 for the best.</param>
/// <param name="Score">The weighted score in [0, 1].</param>
/// <param name="Criteria">Every criterion's part of the score.</param>
/// <param name="Reasons">One to four sentences in the asked language.</param>
public sealed record Candidate(string NewcomerId, int Rank, double Score, IReadOnlyList<CriterionScore> Criteria, IReadOnlyList<string> Reasons);

/// <summary>How many were excluded by hard constraints, in total and per reason (wire names, only reasons that occurred).</summary>
/// <param name="Total">All excluded.</param>
/// <param name="ByReason">Count per reason.</param>
public sealed record ExclusionSummary(int Total, IReadOnlyDictionary<string, int> ByReason);

/// <summary>The ranked, explained suggestions for one newcomer.</summary>
/// <param name="NewcomerId">The newcomer.</param>
/// <param name="Profile">The profile used.</param>
/// <param name="Suggestions">Best first.</param>
/// <param name="Excluded">What the hard constraints excluded.</param>
public sealed record SuggestionResult(string NewcomerId, ProfileRef Profile, IReadOnlyList<Suggestion> Suggestions, ExclusionSummary Excluded);

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
