using System.Data;
using System.Data.Common;
using System.Text.Json;
using Dapper;
using Matching.Contracts;
using Matching.Model;
using Matching.Storage;

namespace Matching.Service;

/// <summary>A page of offers.</summary>
/// <param name="Items">The offers on this page.</param>
/// <param name="Page">1-based page number.</param>
/// <param name="PageSize">Items per page.</param>
/// <param name="Total">Offers matching the filter.</param>
public sealed record OfferPage(IReadOnlyList<OfferView> Items, int Page, int PageSize, int Total);

/// <summary>An offer with its places.</summary>
/// <param name="Offer">The stored fields, location resolved.</param>
/// <param name="PlacesTaken">Places held by accepted or started matches.</param>
/// <param name="PlacesFree">Capacity minus places taken.</param>
public sealed record OfferView(OfferDocument Offer, int PlacesTaken, int PlacesFree)
{
    /// <summary>The current price of one place (on a single offer's read), or null when no prices were computed.</summary>
    public OfferScarcity? Scarcity { get; init; }
}

/// <summary>The filter of the offer list.</summary>
public sealed record OfferFilter
{
    /// <summary>Only this kind.</summary>
    public OfferKind? Kind { get; init; }
    /// <summary>Only this setting.</summary>
    public OfferSetting? Setting { get; init; }
    /// <summary>Only offers at this place (gazetteer name).</summary>
    public string? Place { get; init; }
    /// <summary>Only offers with a free place.</summary>
    public bool? HasPlaces { get; init; }
    /// <summary>1-based page (default 1).</summary>
    public int Page { get; init; } = 1;
    /// <summary>Items per page (1..100, default 20).</summary>
    public int PageSize { get; init; } = 20;
}

/// <summary>
/// Offers: validated create-or-replace, read, delete and list; the offer index kept current after every commit.
/// Reads of an offer answer from the database, so they reflect every write acknowledged on any instance; the index
/// (updated by other instances' writes only when the change feed is read) serves ranking and the list's filter.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed class OffersService(MatchingStore store)
{
    private readonly WriteContext _writer = store.Writer;

    /// <summary>Creates or replaces an offer; a capacity below the places already held is a conflict.</summary>
    public Result<OfferView> Put(string id, OfferDocument? document, string actor)
    {
        var offer = store.Mapper.ToOffer(id, document, out var errors);
        if (offer is null) return Result<OfferView>.Invalid(errors);
        var stored = DocumentMapper.ToDocument(offer);
        var held = 0;
        var outcome = _writer.Write((c, t) =>
        {
            var existed = c.QuerySingleOrDefault<long?>(OfferSql.DeletedFlag + _writer.ForUpdate, new { id }, t) == 0;
            held = HeldPlaces(c, t, id);
            if (held > offer.Capacity) return (Outcome?)null;
            Upsert(c, t, [offer]);
            _writer.Audit(c, t, actor, existed ? "offer.updated" : "offer.created", "offer", id);
            _writer.Changed(c, t, "offer", id);
            return existed ? Outcome.Ok : Outcome.Created;
        }, after: o => { if (o is not null) store.Engine.Upsert(offer, held); });
        var view = new OfferView(stored, held, offer.Capacity - held);
        return outcome switch
        {
            null => Result<OfferView>.Conflict($"The offer holds {held} accepted or started matches; capacity cannot go below that."),
            Outcome.Created => Result<OfferView>.Created(view),
            _ => Result<OfferView>.Ok(view),
        };
    }

    /// <summary>The stored offer with its places, read from the database in one query; null when there is none.</summary>
    public OfferView? Get(string id)
    {
        var row = _writer.Read(c => c.QuerySingleOrDefault<OfferRow>(OfferSql.LiveWithHeld, new { id }));
        return row?.ToView(store.Mapper);
    }

    /// <summary>Deletes an offer; a conflict while matches hold places on it. Its history stays.</summary>
    public Result<bool> Delete(string id, string actor) =>
        _writer.Write((c, t) =>
        {
            if (c.QuerySingleOrDefault<long?>(OfferSql.DeletedFlag + _writer.ForUpdate, new { id }, t) != 0) return Result<bool>.NotFound($"No offer '{id}'.");
            if (HeldPlaces(c, t, id) > 0) return Result<bool>.Conflict("Matches hold places on this offer; stop or complete them first.");
            var now = _writer.Now();
            MatchesService.DeclineProposalsOn(c, t, id, now);
            c.Execute(OfferSql.MarkDeleted, new { id, now }, t);
            _writer.Audit(c, t, actor, "offer.deleted", "offer", id);
            _writer.Changed(c, t, "offer", id);
            return Result<bool>.Ok(true);
        }, after: r => { if (r.Outcome == Outcome.Ok) store.Engine.Remove(id); });

    /// <summary>
    /// A filtered page of offers, ordered by id. The index filters and counts (eventually consistent across
    /// instances); the page's documents and places are read from the database, so they are current.
    /// </summary>
    public OfferPage List(OfferFilter filter)
    {
        var all = store.Engine.Offers()
            .Where(o => filter.Kind is null || o.Offer.Kind == filter.Kind)
            .Where(o => filter.Setting is null || o.Offer.Setting == filter.Setting)
            .Where(o => filter.Place is null || string.Equals(o.Offer.Location.Place, filter.Place, StringComparison.Ordinal))
            .Where(o => filter.HasPlaces is null || (o.Offer.Capacity - o.Held > 0) == filter.HasPlaces)
            .Select(o => o.Offer.Id)
            .Order(StringComparer.Ordinal)
            .ToList();
        var ids = all.Skip((filter.Page - 1) * filter.PageSize).Take(filter.PageSize).ToList();
        var rows = ids.Count == 0
            ? []
            : _writer.Read(c => c.Query<OfferRow>(OfferSql.ManyWithHeld, new { ids }).ToDictionary(r => r.Id, StringComparer.Ordinal));
        // An offer deleted on another instance since the index last heard of it is left out.
        var items = ids.Where(rows.ContainsKey).Select(id => rows[id].ToView(store.Mapper)).ToList();
        return new OfferPage(items, filter.Page, filter.PageSize, all.Count);
    }

    /// <summary>Creates or replaces validated offers inside a write: the one upsert of a PUT and of an import.</summary>
    internal void Upsert(DbConnection c, IDbTransaction t, IEnumerable<Offer> offers)
    {
        var now = _writer.Now();
        c.Execute(OfferSql.Upsert, offers.Select(o => new
        {
            o.Id,
            Json = JsonSerializer.Serialize(DocumentMapper.ToDocument(o), DocumentJson.Options),
            Kind = WireNames.Of(o.Kind),
            Setting = WireNames.Of(o.Setting),
            o.Location.Place,
            o.Capacity,
            Now = now,
        }), t);
    }

    /// <summary>Places held on an offer, inside a write.</summary>
    internal static int HeldPlaces(DbConnection c, IDbTransaction t, string offerId) =>
        (int)c.ExecuteScalar<long>(OfferSql.HeldPlaces, new { offerId }, t);

    /// <summary>
    /// A live offer's capacity, locked until the write commits (another instance taking a place on it waits, then
    /// counts ours); null when the offer does not exist.
    /// </summary>
    internal long? LockCapacity(DbConnection c, IDbTransaction t, string offerId) =>
        c.ExecuteScalar<long?>(OfferSql.Capacity + _writer.ForUpdate, new { id = offerId }, t);

    /// <summary>Loads every live offer with its held places into the index (at start).</summary>
    internal void LoadIndex()
    {
        var offers = _writer.Read(c => c.Query<(string Id, string Document, long Held)>(OfferSql.AllWithHeld).ToList());
        store.Engine.UpsertMany(offers.Select(o => (Parse(o.Id, o.Document), (int)o.Held)));
    }

    /// <summary>Reloads one offer's index entry from the database (another instance changed it); call inside the write gate.</summary>
    internal void Reindex(string offerId)
    {
        var row = _writer.Read(c => c.QuerySingleOrDefault<(string? Document, long Deleted, long Held)>(OfferSql.OneWithHeld, new { id = offerId }));
        if (row.Document is null || row.Deleted != 0) store.Engine.Remove(offerId);
        else store.Engine.Upsert(Parse(offerId, row.Document), (int)row.Held);
    }

    private Offer Parse(string id, string json) =>
        store.Mapper.ToOffer(id, JsonSerializer.Deserialize<OfferDocument>(json, DocumentJson.Options), out var errors)
        ?? throw new InvalidDataException($"Stored offer '{id}' no longer validates: {errors}");

    private sealed class OfferRow
    {
        public string Id { get; set; } = "";
        public string Document { get; set; } = "";
        public long Capacity { get; set; }
        public long Held { get; set; }

        /// <summary>The view; the location carries the municipality also when stored before locations did.</summary>
        public OfferView ToView(DocumentMapper mapper)
        {
            var document = JsonSerializer.Deserialize<OfferDocument>(Document, DocumentJson.Options)!;
            mapper.ResolveMunicipality(document.Location);
            return new(document, (int)Held, (int)(Capacity - Held));
        }
    }
}
