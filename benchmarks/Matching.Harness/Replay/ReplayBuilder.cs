using Matching.Data;
using Matching.Geo;
using Matching.Model;
using Matching.Ranking;
using Matching.Scoring;

namespace Matching.Harness.Replay;

/// <summary>
/// Replays a history: for every past match, the offers that were feasible for its newcomer on the proposal day, scored
/// by the engine's own kernel (<see cref="OfferIndex"/> with a query compiled for that day), with the oracle's
/// probability beside them.
/// </summary>
/// <remarks>
/// Feasible means the engine's hard constraints with a tolerance of one Dutch level below an offer's minimum (as case
/// workers stretched in the history; a profile with tolerance 0 then excludes those offers when it ranks). Places are not
/// replayed: every offer counts as having a free place, because a history of outcomes does not say when places were free.
/// </remarks>
internal static class ReplayBuilder
{
    /// <summary>The tolerance of the candidate sets: one level below an offer's minimum.</summary>
    public const int CandidateLevelTolerance = 1;

    /// <summary>
    /// The profile whose settings the candidate sets and stored distance scores use: the default decay, tolerance 1 and
    /// the given horizon (days assumed when neither the trajectory nor the offer has an end).
    /// </summary>
    public static WeightProfile BaseProfile(int horizonDays = 182)
    {
        var document = WeightProfile.Default.ToDocument();
        document.Name = "replay-base";
        document.LevelTolerance = CandidateLevelTolerance;
        document.HorizonDays = horizonDays;
        return WeightProfile.Create(document, out var errors) ?? throw new InvalidOperationException(errors.ToString());
    }

    /// <summary>Replays every record of the world, in record order; <paramref name="progress"/> hears of every thousand.</summary>
    public static IReadOnlyList<ReplayQuery> Build(HistoryWorld world, int horizonDays = 182, Action<int, int>? progress = null)
    {
        var taxonomy = InterestTaxonomy.Default;
        var languages = LanguageRegistry.Default;
        var baseProfile = BaseProfile(horizonDays);
        var index = new OfferIndex(taxonomy, languages);
        var offersById = new Dictionary<string, Offer>(StringComparer.Ordinal);
        foreach (var o in world.Offers)
        {
            index.Upsert(o, 0);
            offersById[o.Id] = o;
        }
        index.Compact();

        var records = world.Records;
        var result = new ReplayQuery[records.Count];
        var done = 0;
        // Each record is independent and the index takes concurrent readers; results land by position, so the order
        // and the bytes do not depend on the scheduling.
        Parallel.For(0, records.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            result[i] = Replay(world, records[i], index, offersById, baseProfile, taxonomy, languages);
            var d = Interlocked.Increment(ref done);
            if (progress is not null && (d % 1000 == 0 || d == records.Count)) progress(d, records.Count);
        });
        return result;
    }

    private static ReplayQuery Replay(HistoryWorld world, HistoryRecord record, OfferIndex index, Dictionary<string, Offer> offers,
        WeightProfile baseProfile, InterestTaxonomy taxonomy, LanguageRegistry languages)
    {
        var n = world.Newcomers[record.NewcomerId];
        var day = record.ProposedOn;
        var query = NewcomerQuery.Compile(n, baseProfile, day, null, taxonomy, languages);
        Span<int> excluded = stackalloc int[OfferIndex.OutcomeSlots];
        var feasible = index.Rank(query, Math.Max(1, index.Count), excluded);
        var ids = feasible.Select(f => f.Offer.Id).Order(StringComparer.Ordinal).ToArray();
        var count = ids.Length;
        var criteria = new double[count * Criteria.Count];
        var km = new double[count];
        var remote = new bool[count];
        var below = new byte[count];
        var inputs = new PairInputs[count];
        var features = new float[count * PairFeatures.Count];
        var hidden = world.Hidden?[n.Id];
        var oracle = hidden is null ? null : new double[count];
        var matched = -1;
        for (var c = 0; c < count; c++)
        {
            var offer = offers[ids[c]];
            var s = criteria.AsSpan(c * Criteria.Count, Criteria.Count);
            var facts = index.EvaluatePair(query, offer.Id, s)
                ?? throw new InvalidOperationException($"Offer '{offer.Id}' left the index during the replay.");
            km[c] = facts.Km;
            inputs[c] = facts.Inputs;
            remote[c] = offer.Remote;
            below[c] = (byte)Math.Max(0, offer.DutchLevel.Min.Ordinal - n.DutchLevel.Ordinal);
            PairFeatures.Fill(features.AsSpan(c * PairFeatures.Count, PairFeatures.Count), n, offer, s, facts.Km, facts.OverlapMinutesPerWeek, facts.Days, taxonomy);
            if (oracle is not null) oracle[c] = GroundTruthModel.CompletionProbability(n, hidden!, offer, day);
            if (offer.Id == record.OfferId) matched = c;
        }
        return new ReplayQuery
        {
            Newcomer = n,
            Record = record,
            Groups = GroupsOf(n),
            OfferIds = ids,
            Criteria = criteria,
            Km = km,
            Remote = remote,
            LevelsBelow = below,
            Features = features,
            Inputs = inputs,
            Oracle = oracle,
            Matched = matched,
        };
    }

    /// <summary>The newcomer's group per dimension: gender, level, province of the place (nearest place for coordinates), first language.</summary>
    internal static string[] GroupsOf(Newcomer n)
    {
        var gazetteer = Gazetteer.Default;
        var place = n.Location.Place is { } name && gazetteer.TryResolve(name, out var p) ? p : gazetteer.Nearest(n.Location.Point);
        return
        [
            WireNames.Of(n.Gender),
            n.DutchLevel.ToString(),
            place.Province,
            n.Languages.Count > 0 ? n.Languages[0].ToLowerInvariant() : "none",
        ];
    }
}
