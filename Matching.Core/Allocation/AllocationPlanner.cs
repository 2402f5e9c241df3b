using Matching.Geo;
using Matching.Model;
using Matching.Ranking;
using Matching.Scoring;

namespace Matching.Allocation;

/// <summary>What to allocate.</summary>
public sealed record AllocationRequest
{
    /// <summary>How to allocate (default optimal).</summary>
    public AllocationMode Mode { get; init; } = AllocationMode.Optimal;
    /// <summary>The kinds of offer to allocate; null or empty for all.</summary>
    public IReadOnlyCollection<OfferKind>? Kinds { get; init; }
    /// <summary>The weight profile; the default when null.</summary>
    public WeightProfile? Profile { get; init; }
    /// <summary>How many of each newcomer's best feasible offers are candidates (1..100, default 50).</summary>
    public int CandidatesPerNewcomer { get; init; } = 50;
    /// <summary>The language of the reasons.</summary>
    public ReasonLanguage Language { get; init; } = ReasonLanguage.Nl;
    /// <summary>The dynamic mode's price per place, by offer id (an offer not listed costs 0); ignored by the other modes.</summary>
    public IReadOnlyDictionary<string, double>? Prices { get; init; }
}

/// <summary>One placed newcomer.</summary>
/// <param name="NewcomerId">The newcomer.</param>
/// <param name="OfferId">The offer.</param>
/// <param name="Score">The pair's score.</param>
/// <param name="Criteria">Every criterion's part of the score.</param>
/// <param name="Reasons">Sentences in the asked language.</param>
public sealed record Assignment(string NewcomerId, string OfferId, double Score, IReadOnlyList<CriterionScore> Criteria, IReadOnlyList<string> Reasons);

/// <summary>One newcomer left without a place.</summary>
/// <param name="NewcomerId">The newcomer.</param>
/// <param name="Reason">noFeasibleOffer, feasibleOffersTaken, or (dynamic mode) heldForLater.</param>
public sealed record Unassigned(string NewcomerId, string Reason);

/// <summary>An allocation proposal for a cohort.</summary>
/// <param name="Id">The proposal's id (set when stored).</param>
/// <param name="Mode">optimal, stable, greedy or dynamic.</param>
/// <param name="Profile">The profile the scores come from.</param>
/// <param name="Placed">Newcomers placed.</param>
/// <param name="TotalScore">Sum of the placed pairs' scores.</param>
/// <param name="Assignments">The placed newcomers, by newcomer id.</param>
/// <param name="Unassigned">The others, with the reason.</param>
public sealed record AllocationPlan(string Id, string Mode, ProfileRef Profile, int Placed, double TotalScore,
    IReadOnlyList<Assignment> Assignments, IReadOnlyList<Unassigned> Unassigned);

/// <summary>
/// Builds allocation problems from the engine — each newcomer's k best feasible offers, scored by the profile, and
/// the offers' free places — solves them, and explains the result.
/// </summary>
/// <remarks>Thread-safe; candidate generation runs on all cores (the index allows concurrent readers).</remarks>
public sealed class AllocationPlanner(MatchingEngine engine)
{
    /// <summary>Allocates the given newcomers (ordered by id for determinism).</summary>
    public AllocationPlan Plan(IReadOnlyList<Newcomer> newcomers, AllocationRequest request)
    {
        var profile = request.Profile ?? WeightProfile.Default;
        var cohort = newcomers.OrderBy(n => n.Id, StringComparer.Ordinal).ToArray();
        var (problem, offers) = BuildProblem(cohort, profile, request.Kinds, Math.Clamp(request.CandidatesPerNewcomer, 1, RankingOptions.MaxLimit), ignoreCapacity: false,
            offerViews: request.Mode == AllocationMode.Stable);
        var prices = request.Mode == AllocationMode.Dynamic
            ? offers.Select(o => Math.Max(0, request.Prices?.GetValueOrDefault(o.Id) ?? 0)).ToArray()
            : null;
        var solution = Allocator.Solve(problem, request.Mode, prices);

        var assignments = new Assignment[solution.Placed];
        var placedIndex = Enumerable.Range(0, cohort.Length).Where(i => solution.OfferOf[i] >= 0).ToArray();
        Parallel.For(0, placedIndex.Length, k =>
        {
            var n = cohort[placedIndex[k]];
            var offer = offers[solution.OfferOf[placedIndex[k]]];
            var e = engine.Evaluate(n, offer.Id, profile, request.Language);
            assignments[k] = new Assignment(n.Id, offer.Id, e?.Score ?? 0, e?.Criteria ?? [], e?.Reasons ?? []);
        });
        // Candidates leave full offers out, so "no feasible offer" is checked again with capacity ignored: a newcomer
        // whose feasible offers are all full is told so, not that nothing fits.
        var unassigned = solution.Unplaced.Select(u =>
        {
            var reason = u.Value == UnplacedReason.NoFeasibleOffer
                && engine.TopCandidates(cohort[u.Key], profile, request.Kinds, 1, ignoreCapacity: true).Count > 0
                ? UnplacedReason.FeasibleOffersTaken
                : u.Value;
            return new Unassigned(cohort[u.Key].Id, WireNames.Of(reason));
        }).ToList();
        return new AllocationPlan("", WireNames.Of(request.Mode), new ProfileRef(profile.Name, profile.Version), solution.Placed,
            solution.TotalScore, assignments, unassigned);
    }

    /// <summary>
    /// The problem for a cohort: candidates are each newcomer's best feasible offers; capacities are free places.
    /// With <paramref name="ignoreCapacity"/>, full offers are candidates too, with no place to give. With
    /// <paramref name="offerViews"/>, each pair's offer side is the offer's own view where it states preferences (the
    /// stable mode needs it); otherwise both sides are the newcomer's score.
    /// </summary>
    internal (AllocationProblem Problem, Offer[] Offers) BuildProblem(IReadOnlyList<Newcomer> cohort, WeightProfile profile,
        IReadOnlyCollection<OfferKind>? kinds, int k, bool ignoreCapacity, bool offerViews = false)
    {
        var perNewcomer = new List<(double Score, Offer Offer, int Held)>[cohort.Count];
        var views = new double[cohort.Count][];
        Parallel.For(0, cohort.Count, i =>
        {
            perNewcomer[i] = engine.TopCandidates(cohort[i], profile, kinds, k, ignoreCapacity);
            views[i] = offerViews ? engine.OfferViews(cohort[i], profile, perNewcomer[i]) : [];
        });
        var offerIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var offers = new List<Offer>();
        var capacities = new List<int>();
        var pairs = new List<CandidatePair>();
        // Offers are numbered in order of first appearance over newcomers sorted by id: deterministic.
        for (var i = 0; i < cohort.Count; i++)
        {
            for (var r = 0; r < perNewcomer[i].Count; r++)
            {
                var (score, offer, held) = perNewcomer[i][r];
                if (!offerIndex.TryGetValue(offer.Id, out var j))
                {
                    j = offerIndex[offer.Id] = offers.Count;
                    offers.Add(offer);
                    capacities.Add(Math.Max(0, offer.Capacity - held));
                }
                var offerSide = offerViews ? views[i][r] : score;
                pairs.Add(new CandidatePair(i, j, Math.Clamp(score, 0, 1), Math.Clamp(offerSide, 0, 1)));
            }
        }
        return (new AllocationProblem(cohort.Count, capacities, pairs), offers.ToArray());
    }
}
