using Matching.Model;
using Matching.Scoring;

namespace Matching.Service;

/// <summary>
/// Brings the store up (migrations, the default profile, the offer index) and bulk-imports validated newcomers and
/// offers (an import, the demo seed) through the rooms' own upserts.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed class ServiceStartup(MatchingStore store, ChangeFeed feed, WeightProfilesService profiles, NewcomersService newcomers, OffersService offers)
{
    /// <summary>Migrates the database, stores the shipped default profile when none is stored, and loads the offer index.</summary>
    public void Start(IEnumerable<WeightProfile>? extraProfiles = null)
    {
        store.Database.Migrate();
        // Read the feed's position before the index: a change committed in between is applied again, harmlessly.
        feed.StartAtEnd();
        if (profiles.Get(WeightProfile.Default.Name) is null) profiles.PutAtStart(WeightProfile.Default);
        foreach (var profile in extraProfiles ?? []) profiles.PutAtStart(profile);
        offers.LoadIndex();
        var loaded = newcomers.LoadIndex();
        store.IndexLoaded = true;
        // A large load leaves hundreds of MB behind (at 500,000 newcomers every document read and parsed): a background
        // collection started now, which does not hold up ready, rather than one that the first large allocation (a gap
        // report) sets off and that runs beside it (0.35 s of the first report's CPU at 500,000 newcomers, see
        // benchmarks/README.md). A blocking one took 0.5-0.8 s of the start.
        if (loaded >= CollectAfterLoading) GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: false);
    }

    /// <summary>Stored newcomers from which a start collects the garbage of its load before serving.</summary>
    private const int CollectAfterLoading = 50_000;

    /// <summary>Whether the store holds no offer and no unplaced newcomer (the demo seed fills only such a store).</summary>
    public bool IsEmpty() => store.Engine.OfferCount == 0 && !newcomers.Unplaced().Any();

    /// <summary>
    /// Stores many validated newcomers and offers in one transaction (an import or the demo seed): all or nothing.
    /// Existing ids are replaced; an offer's capacity below its held places fails the whole batch.
    /// </summary>
    public void Import(IReadOnlyCollection<Newcomer> newcomerBatch, IReadOnlyCollection<Offer> offerBatch, string actor)
    {
        var writer = store.Writer;
        var held = new Dictionary<string, int>(StringComparer.Ordinal);
        var indexNewcomers = () => { };
        writer.Write((c, t) =>
        {
            newcomers.Upsert(c, t, newcomerBatch);
            indexNewcomers = newcomers.Announce(c, t, newcomerBatch);
            offers.Upsert(c, t, offerBatch);
            foreach (var o in offerBatch) held[o.Id] = OffersService.HeldPlaces(c, t, o.Id);
            writer.Changed(c, t, "offer", offerBatch.Select(o => o.Id));
            writer.Audit(c, t, actor, "import", "batch", null, $"newcomers={newcomerBatch.Count} offers={offerBatch.Count}");
            return true;
        }, after: _ =>
        {
            store.Engine.UpsertMany(offerBatch.Select(o => (o, held[o.Id])));
            indexNewcomers();
        });
        store.Telemetry.Imported(newcomerBatch.Count, offerBatch.Count);
    }
}
