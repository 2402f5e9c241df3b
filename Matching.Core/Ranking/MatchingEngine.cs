using Matching.Model;
using Matching.Scoring;
using Matching.Validation;

namespace Matching.Ranking;

/// <summary>How to rank: how many, which kinds, which profile, which language.</summary>
public sealed record RankingOptions
{
    /// <summary>How many to return (1..100, default 10).</summary>
    public int Limit { get; init; } = 10;
    /// <summary>The kinds to consider; null or empty for all.</summary>
    public IReadOnlyCollection<OfferKind>? Kinds { get; init; }
    /// <summary>The weight profile; the shipped default when null.</summary>
    public WeightProfile? Profile { get; init; }
    /// <summary>The language of the reasons (Dutch by default).</summary>
    public ReasonLanguage Language { get; init; } = ReasonLanguage.Nl;

    /// <summary>The largest limit.</summary>
    public const int MaxLimit = 100;
}

/// <summary>
/// The scoring and ranking engine: an in-memory index of offers kept current by upserts, removals and capacity changes,
/// ranking with explanations in both directions.
/// </summary>
/// <remarks>Thread-safe: concurrent rankings run in parallel with one writer at a time.</remarks>
public sealed class MatchingEngine
{
    private readonly OfferIndex _index;
    private readonly Explainer _explainer;
    private readonly TimeProvider _time;

    /// <summary>Creates an empty engine over the shipped taxonomy and languages unless others are given.</summary>
    public MatchingEngine(TimeProvider time, InterestTaxonomy? taxonomy = null, LanguageRegistry? languages = null)
    {
        _time = time;
        Taxonomy = taxonomy ?? InterestTaxonomy.Default;
        Languages = languages ?? LanguageRegistry.Default;
        _index = new OfferIndex(Taxonomy, Languages);
        _explainer = new Explainer(Taxonomy, Languages);
    }

    /// <summary>The interest taxonomy.</summary>
    public InterestTaxonomy Taxonomy { get; }
    /// <summary>The known languages.</summary>
    public LanguageRegistry Languages { get; }
    /// <summary>Offers in the index.</summary>
    public int OfferCount => _index.Count;

    internal OfferIndex Index => _index;

    /// <summary>Today in the engine's clock (UTC date).</summary>
    public DateOnly Today => DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime);

    /// <summary>Adds or replaces an offer; <paramref name="held"/> is the number of places accepted matches hold.</summary>
    public void Upsert(Offer offer, int held = 0)
    {
        ArgumentNullException.ThrowIfNull(offer);
        ArgumentOutOfRangeException.ThrowIfNegative(held);
        _index.Upsert(offer, held);
    }

    /// <summary>Adds or replaces many offers (a bulk load), then lays the index out in spatial order for fast scans.</summary>
    public void UpsertMany(IEnumerable<(Offer Offer, int Held)> offers)
    {
        ArgumentNullException.ThrowIfNull(offers);
        foreach (var (offer, held) in offers) Upsert(offer, held);
        _index.Compact();
    }

    /// <summary>Removes an offer; false when it was not indexed.</summary>
    public bool Remove(string offerId) => _index.Remove(offerId);

    /// <summary>Records how many places are held on an offer; false when it is not indexed.</summary>
    public bool SetHeld(string offerId, int held) => _index.SetHeld(offerId, held);

    /// <summary>An indexed offer and its held places, or null.</summary>
    public (Offer Offer, int Held)? GetOffer(string offerId) => _index.Get(offerId);

    /// <summary>Every indexed offer with its held places.</summary>
    public IReadOnlyList<(Offer Offer, int Held)> Offers() => _index.Snapshot();

    /// <summary>Ranks the offers for a newcomer, best first, with explanations and exclusion counts.</summary>
    public SuggestionResult Suggest(Newcomer newcomer, RankingOptions? options = null)
    {
        options ??= new RankingOptions();
        var profile = options.Profile ?? WeightProfile.Default;
        var limit = Math.Clamp(options.Limit, 1, RankingOptions.MaxLimit);
        var query = Compile(newcomer, profile, options.Kinds);
        Span<int> excluded = stackalloc int[OfferIndex.OutcomeSlots];
        // The scan keeps each winner's criteria and distance beside its score (at most MaxLimit × 56 bytes of stack),
        // so the explanations need no second look at the index and see the very state that was scored.
        Span<WinnerFacts> winners = stackalloc WinnerFacts[limit];
        var top = _index.Rank(query, limit, excluded, winners);

        var suggestions = new List<Suggestion>(top.Count);
        for (var r = 0; r < top.Count; r++)
        {
            var (score, offer, held) = top[r];
            ReadOnlySpan<double> criteria = winners[r].Criteria;
            suggestions.Add(new Suggestion(offer.Id, r + 1, score, OfferSummary.Of(offer, held, winners[r].Km),
                Explainer.Breakdown(criteria, profile),
                _explainer.Reasons(newcomer, offer, criteria, profile, winners[r].Km, options.Language)));
        }
        return new SuggestionResult(newcomer.Id, new ProfileRef(profile.Name, profile.Version), suggestions, Summarise(excluded));
    }

    /// <summary>
    /// The reverse ranking: the best newcomers for one indexed offer among <paramref name="newcomers"/>, with the
    /// same scorer; null when the offer is not indexed. Kinds in the options are ignored.
    /// </summary>
    public CandidateResult? Candidates(string offerId, IEnumerable<Newcomer> newcomers, RankingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(newcomers);
        return _index.Get(offerId) is null ? null : RankCandidates(offerId, newcomers, new int[EnumCounts.ExclusionReasons], options);
    }

    /// <summary>
    /// The reverse ranking over the unplaced newcomers of a <see cref="NewcomerIndex"/>: its columns exclude most of them
    /// in one pass (counted by reason as the pair evaluation would), and only the rest are evaluated exactly.
    /// </summary>
    internal CandidateResult? Candidates(string offerId, NewcomerIndex newcomers, RankingOptions? options = null)
    {
        options ??= new RankingOptions();
        if (_index.ScanFacts(offerId) is not { } facts) return null;
        var profile = options.Profile ?? WeightProfile.Default;
        var limit = Math.Clamp(options.Limit, 1, RankingOptions.MaxLimit);
        var excluded = new int[EnumCounts.ExclusionReasons];
        var survivors = newcomers.Survivors(facts, profile, Today, n => Compile(n, profile, null), excluded);
        if (_index.RankNewcomers(offerId, survivors, profile, limit, excluded) is not var (offer, best)) return null;
        return Explain(offer, best, profile, options.Language, excluded);
    }

    /// <summary>
    /// Evaluates each newcomer against the offer and keeps the best <c>limit</c> — by the offer's own view where it
    /// states preferences, else by score; ties by ascending id; null when the offer went away.
    /// </summary>
    private CandidateResult? RankCandidates(string offerId, IEnumerable<Newcomer> newcomers, int[] excluded, RankingOptions? options)
    {
        options ??= new RankingOptions();
        var profile = options.Profile ?? WeightProfile.Default;
        var limit = Math.Clamp(options.Limit, 1, RankingOptions.MaxLimit);
        if (_index.Get(offerId) is not { } stored) return null;
        var order = stored.Offer.Preferences;
        // The root is the worst kept: the lowest score, and among equal scores the greatest id.
        var kept = new PriorityQueue<(Newcomer Newcomer, double[] Criteria, double Km), (double Score, string Id)>(limit + 1,
            Comparer<(double Score, string Id)>.Create((a, b) => a.Score != b.Score ? a.Score.CompareTo(b.Score) : string.CompareOrdinal(b.Id, a.Id)));
        Span<double> criteria = stackalloc double[Criteria.Count];
        Offer? offer = null;
        foreach (var n in newcomers)
        {
            var facts = _index.EvaluatePair(Compile(n, profile, null), offerId, criteria);
            if (facts is null) return null;
            offer = facts.Offer;
            if (facts.Reason != ExclusionReason.None)
            {
                excluded[(int)facts.Reason]++;
                continue;
            }
            var key = order?.Score(criteria) ?? profile.Score(criteria);
            if (kept.Count == limit)
            {
                kept.TryPeek(out _, out var worst);
                if (key < worst.Score || (key == worst.Score && string.CompareOrdinal(n.Id, worst.Id) > 0)) continue;
                kept.Dequeue();
            }
            kept.Enqueue((n, criteria.ToArray(), facts.Km), (key, n.Id));
        }
        offer ??= stored.Offer;
        var best = new List<(double Score, Newcomer Newcomer, double[] Criteria, double Km)>(kept.Count);
        while (kept.TryDequeue(out var entry, out _)) best.Add((profile.Score(entry.Criteria), entry.Newcomer, entry.Criteria, entry.Km));
        best.Reverse();
        return Explain(offer, best, profile, options.Language, excluded);
    }

    /// <summary>
    /// The ranked candidates explained: each with its score and criteria under the profile, its reasons, and — when the
    /// offer states preferences, which then ordered the list — the offer's view and a first sentence saying so.
    /// </summary>
    private CandidateResult Explain(Offer offer, List<(double Score, Newcomer Newcomer, double[] Criteria, double Km)> best, WeightProfile profile,
        ReasonLanguage language, int[] excluded)
    {
        var preferences = offer.Preferences;
        var candidates = best.Select((s, i) =>
        {
            var reasons = _explainer.Reasons(s.Newcomer, offer, s.Criteria, profile, s.Km, language);
            if (preferences is not null) reasons.Insert(0, preferences.Sentence(language));
            return new Candidate(s.Newcomer.Id, i + 1, s.Score, CandidateSummary.Of(s.Newcomer, s.Km), Explainer.Breakdown(s.Criteria, profile),
                reasons, preferences?.View(s.Criteria));
        }).ToList();
        return new CandidateResult(offer.Id, new ProfileRef(profile.Name, profile.Version), candidates, Summarise(excluded));
    }


    /// <summary>
    /// Evaluates one newcomer against one indexed offer (for matches outside the list and overrides); null when the
    /// offer is unknown. With <paramref name="withReasons"/> false no sentence is built and
    /// <see cref="PairEvaluation.Reasons"/> is empty: for callers that need only the score and the exclusion.
    /// </summary>
    public PairEvaluation? Evaluate(Newcomer newcomer, string offerId, WeightProfile? profile = null,
        ReasonLanguage language = ReasonLanguage.Nl, bool withReasons = true)
    {
        profile ??= WeightProfile.Default;
        Span<double> criteria = stackalloc double[Criteria.Count];
        var facts = _index.EvaluatePair(Compile(newcomer, profile, null), offerId, criteria);
        if (facts is null) return null;
        if (facts.Reason != ExclusionReason.None)
        {
            return new PairEvaluation(WireNames.Of(facts.Reason), 0, [], withReasons ? [Explainer.Exclusion(facts.Reason, language)] : []);
        }
        var score = profile.Score(criteria);
        return new PairEvaluation(null, score, Explainer.Breakdown(criteria, profile),
            withReasons ? _explainer.Reasons(newcomer, facts.Offer, criteria, profile, facts.Km, language) : []);
    }

    /// <summary>
    /// How many of <paramref name="offerIds"/> would be feasible for the newcomer on <paramref name="day"/>, places aside
    /// (the trajectory's end, the offers' dates and the hours left counted from that day): for a wait advice, whether
    /// there is anything left to wait for.
    /// </summary>
    internal int FeasibleOn(Newcomer newcomer, WeightProfile profile, IReadOnlyCollection<OfferKind>? kinds, DateOnly day, IEnumerable<string> offerIds)
    {
        ArgumentNullException.ThrowIfNull(newcomer);
        ArgumentNullException.ThrowIfNull(offerIds);
        var query = NewcomerQuery.Compile(newcomer, profile, day, kinds, Taxonomy, Languages, ignoreCapacity: true);
        Span<double> criteria = stackalloc double[Criteria.Count];
        var feasible = 0;
        foreach (var id in offerIds)
        {
            if (_index.EvaluatePair(query, id, criteria) is { Reason: ExclusionReason.None }) feasible++;
        }
        return feasible;
    }

    internal NewcomerQuery Compile(Newcomer newcomer, WeightProfile profile, IReadOnlyCollection<OfferKind>? kinds, bool ignoreCapacity = false)
    {
        ArgumentNullException.ThrowIfNull(newcomer);
        if (!Identifiers.IsValid(newcomer.Id)) throw new ArgumentException("The newcomer's id is not valid.", nameof(newcomer));
        return NewcomerQuery.Compile(newcomer, profile, Today, kinds, Taxonomy, Languages, ignoreCapacity);
    }

    /// <summary>
    /// The k best feasible offers for a newcomer, without explanations: the candidates of an allocation. With
    /// <paramref name="ignoreCapacity"/>, full offers are candidates too (to see where extra places would help).
    /// </summary>
    internal List<(double Score, Offer Offer, int Held)> TopCandidates(Newcomer newcomer, WeightProfile profile,
        IReadOnlyCollection<OfferKind>? kinds, int k, bool ignoreCapacity = false)
    {
        Span<int> excluded = stackalloc int[OfferIndex.OutcomeSlots];
        return _index.Rank(Compile(newcomer, profile, kinds, ignoreCapacity), k, excluded);
    }

    /// <summary>
    /// The k best feasible offers for a newcomer (k = <paramref name="scores"/>' length), as <see cref="TopCandidates(Newcomer, WeightProfile, IReadOnlyCollection{OfferKind}?, int, bool)"/>
    /// gives them but written to the caller's spans and without counting exclusions; returns how many. The allocation's
    /// candidate generation calls it once per newcomer of a cohort, so it allocates nothing but the compiled query.
    /// </summary>
    internal int TopCandidates(Newcomer newcomer, WeightProfile profile, IReadOnlyCollection<OfferKind>? kinds, bool ignoreCapacity,
        Span<double> scores, Span<int> slots, Span<Offer> offers, Span<int> held) =>
        _index.TopFeasible(Compile(newcomer, profile, kinds, ignoreCapacity), scores, slots, offers, held);

    /// <summary>
    /// Each candidate offer's view of the newcomer, written to <paramref name="views"/>: its preferences over the pair's
    /// criterion scores where it states them, else the newcomer's score. In the order of the candidates.
    /// </summary>
    internal void OfferViews(Newcomer newcomer, WeightProfile profile, ReadOnlySpan<double> scores, ReadOnlySpan<Offer> offers, Span<double> views)
    {
        Span<double> criteria = stackalloc double[Criteria.Count];
        NewcomerQuery? query = null;
        for (var r = 0; r < scores.Length; r++)
        {
            views[r] = scores[r];
            if (offers[r].Preferences is not { } preferences) continue;
            query ??= Compile(newcomer, profile, null, ignoreCapacity: true);
            if (_index.EvaluatePair(query, offers[r].Id, criteria) is { Reason: ExclusionReason.None }) views[r] = preferences.Score(criteria);
        }
    }

    private static ExclusionSummary Summarise(ReadOnlySpan<int> excluded)
    {
        var byReason = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var total = 0;
        for (var r = 1; r < excluded.Length; r++)
        {
            if (excluded[r] == 0) continue;
            byReason[WireNames.Of((ExclusionReason)r)] = excluded[r];
            total += excluded[r];
        }
        return new ExclusionSummary(total, byReason);
    }
}
