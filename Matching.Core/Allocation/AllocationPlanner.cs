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
    /// <summary>
    /// The dynamic mode's V, the value of a placement beside its score (0..1000, default 1): the one the prices were
    /// computed with, so that a newcomer is held exactly where the price job's rule says; ignored by the other modes.
    /// </summary>
    public double PlacementValue { get; init; } = PricingOptions.DefaultPlacementValue;
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
/// <param name="Reason">noFeasibleOffer, feasibleOffersTaken, (dynamic mode) heldForLater, or notStarted (the trajectory
/// starts after today: left out of the cohort until then).</param>
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
    /// <summary>
    /// Allocates the given newcomers (ordered by id for determinism); those whose trajectory starts after today are left
    /// out, each listed as unassigned with reason notStarted (a place is not held months ahead of its start).
    /// </summary>
    public AllocationPlan Plan(IReadOnlyList<Newcomer> newcomers, AllocationRequest request)
    {
        var profile = request.Profile ?? WeightProfile.Default;
        var today = engine.Today;
        var cohort = newcomers.Where(n => !NotStarted(n, today)).OrderBy(n => n.Id, StringComparer.Ordinal).ToArray();
        var (problem, offers) = BuildProblem(cohort, profile, request.Kinds, Math.Clamp(request.CandidatesPerNewcomer, 1, RankingOptions.MaxLimit), ignoreCapacity: false,
            offerViews: request.Mode == AllocationMode.Stable);
        var prices = request.Mode == AllocationMode.Dynamic
            ? offers.Select(o => Math.Max(0, request.Prices?.GetValueOrDefault(o.Id) ?? 0)).ToArray()
            : null;
        var solution = prices is null ? Allocator.Solve(problem, request.Mode) : PlacePricing.SolvePriced(problem, prices, request.PlacementValue);

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
        if (cohort.Length < newcomers.Count)
        {
            unassigned.AddRange(newcomers.Where(n => NotStarted(n, today)).Select(n => new Unassigned(n.Id, WireNames.Of(UnplacedReason.NotStarted))));
            unassigned.Sort((a, b) => string.CompareOrdinal(a.NewcomerId, b.NewcomerId));
        }
        return new AllocationPlan("", WireNames.Of(request.Mode), new ProfileRef(profile.Name, profile.Version), solution.Placed,
            solution.TotalScore, assignments, unassigned);
    }

    /// <summary>Whether the newcomer's trajectory starts after <paramref name="today"/>: not in a cohort until it starts.</summary>
    internal static bool NotStarted(Newcomer newcomer, DateOnly today) => newcomer.TrajectoryStart > today;

    /// <summary>
    /// The problem for a cohort: candidates are each newcomer's best feasible offers; capacities are free places.
    /// With <paramref name="ignoreCapacity"/>, full offers are candidates too, with no place to give. With
    /// <paramref name="offerViews"/>, each pair's offer side is the offer's own view where it states preferences (the
    /// stable mode needs it); otherwise both sides are the newcomer's score.
    /// </summary>
    internal (AllocationProblem Problem, Offer[] Offers) BuildProblem(IReadOnlyList<Newcomer> cohort, WeightProfile profile,
        IReadOnlyCollection<OfferKind>? kinds, int k, bool ignoreCapacity, bool offerViews = false)
    {
        var n = cohort.Count;
        k = Math.Max(k, 0);
        // Newcomer i's candidates fill [i·k, i·k + found[i]) of flat arrays, on all cores: no list, tuple or lock per newcomer.
        var scores = new double[n * k];
        var slots = new int[n * k];
        var found = new int[n];
        var offers = new Offer[n * k];
        var held = new int[n * k];
        var views = offerViews ? new double[n * k] : null;
        Parallel.For(0, n, i =>
        {
            var at = i * k;
            var count = found[i] = engine.TopCandidates(cohort[i], profile, kinds, ignoreCapacity,
                scores.AsSpan(at, k), slots.AsSpan(at, k), offers.AsSpan(at, k), held.AsSpan(at, k));
            if (views is not null) engine.OfferViews(cohort[i], profile, scores.AsSpan(at, count), offers.AsSpan(at, count), views.AsSpan(at, count));
        });

        var pairs = new CandidatePair[found.Sum()];
        var numbered = new List<Offer>();
        var capacities = new List<int>();
        // An offer is known by its slot in the index while the slot holds the same object (nearly always); by its id
        // when the slot was reused or the offer replaced during the scans, so one offer never gets two numbers.
        var byId = new Dictionary<string, int>(StringComparer.Ordinal);
        var seenInSlot = new Offer?[64];
        var numberInSlot = new int[64];
        var next = 0;
        // Offers are numbered in order of first appearance over newcomers sorted by id: deterministic.
        for (var i = 0; i < n; i++)
        {
            for (var at = i * k; at < i * k + found[i]; at++)
            {
                var (slot, offer) = (slots[at], offers[at]);
                if (slot >= seenInSlot.Length)
                {
                    var size = Math.Max(slot + 1, 2 * seenInSlot.Length);
                    Array.Resize(ref seenInSlot, size);
                    Array.Resize(ref numberInSlot, size);
                }
                if (!ReferenceEquals(seenInSlot[slot], offer))
                {
                    if (!byId.TryGetValue(offer.Id, out var number))
                    {
                        number = byId[offer.Id] = numbered.Count;
                        numbered.Add(offer);
                        capacities.Add(Math.Max(0, offer.Capacity - held[at]));
                    }
                    seenInSlot[slot] = offer;
                    numberInSlot[slot] = number;
                }
                var score = scores[at];
                pairs[next++] = new CandidatePair(i, numberInSlot[slot], Math.Clamp(score, 0, 1), Math.Clamp(views is null ? score : views[at], 0, 1));
            }
        }
        return (new AllocationProblem(n, capacities.ToArray(), pairs), numbered.ToArray());
    }
}
