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
    /// <remarks>ifMatch, the caller's If-Match (null: none), is checked against the stored version inside the write.</remarks>
    public Result<OfferView> Put(string id, OfferDocument? document, string actor, string? ifMatch = null)
    {
        var offer = store.Mapper.ToOffer(id, document, out var errors);
        if (offer is null) return Result<OfferView>.Invalid(errors);
        var stored = DocumentMapper.ToDocument(offer);
        var json = JsonSerializer.Serialize(stored, DocumentJson.Options);
        var held = 0;
        string? tag = null;
        var stale = false;
        var outcome = _writer.Write((c, t) =>
        {
            var flag = c.QuerySingleOrDefault<long?>(OfferSql.DeletedFlag + _writer.ForUpdate, new { id }, t);
            if (flag is null)
            {
                // No row to lock yet: creators of the same id take turns on its name, and the later one finds the row.
                _writer.LockName(c, t, "offer:" + id);
                flag = c.QuerySingleOrDefault<long?>(OfferSql.DeletedFlag + _writer.ForUpdate, new { id }, t);
            }
            var existed = flag == 0;
            if (!ETags.Allows(ifMatch, existed ? ETags.Of(c.QuerySingle<string>(OfferSql.Document, new { id }, t)) : null))
            {
                stale = true;
                return (Outcome?)null;
            }
            held = HeldPlaces(c, t, id);
            if (held > offer.Capacity) return (Outcome?)null;
            _writer.Audit(c, t, actor, existed ? "offer.updated" : "offer.created", "offer", id);
            _writer.Changed(c, t, "offer", id);
            // Last: the upsert takes the change counter, which every writer of offers and newcomers waits for.
            Upsert(c, t, [(offer, json)]);
            tag = ETags.Of(json);
            return existed ? Outcome.Ok : Outcome.Created;
        }, after: o => { if (o is not null) store.Engine.Upsert(offer, held); });
        if (stale) return Result<OfferView>.Stale();
        var view = new OfferView(stored, held, offer.Capacity - held);
        return outcome switch
        {
            null => Result<OfferView>.Conflict($"The offer holds {held} accepted or started matches; capacity cannot go below that."),
            Outcome.Created => Result<OfferView>.Created(view) with { Tag = tag },
            _ => Result<OfferView>.Ok(view) with { Tag = tag },
        };
    }

    /// <summary>The stored offer with its places, read from the database in one query; null when there is none.</summary>
    public OfferView? Get(string id) => GetWithTag(id)?.View;

    /// <summary>The stored offer with its places and the version (ETag) of its fields, or null.</summary>
    public (OfferView View, string Tag)? GetWithTag(string id)
    {
        var row = _writer.Read(c => c.QuerySingleOrDefault<OfferRow>(OfferSql.LiveWithHeld, new { id }));
        return row is null ? null : (row.ToView(store.Mapper), ETags.Of(row.Document));
    }

    /// <summary>Deletes an offer; a conflict while matches hold places on it. Its history stays.</summary>
    /// <remarks>ifMatch, the caller's If-Match (null: none), is checked against the stored version inside the write.</remarks>
    public Result<bool> Delete(string id, string actor, string? ifMatch = null)
    {
        var declined = new List<(string NewcomerId, NewcomersService.MatchStateRow State)>();
        return _writer.Write((c, t) =>
        {
            if (c.QuerySingleOrDefault<long?>(OfferSql.DeletedFlag + _writer.ForUpdate, new { id }, t) != 0) return Result<bool>.NotFound($"No offer '{id}'.");
            if (!ETags.Allows(ifMatch, ETags.Of(c.QuerySingle<string>(OfferSql.Document, new { id }, t)))) return Result<bool>.Stale();
            if (HeldPlaces(c, t, id) > 0) return Result<bool>.Conflict("Matches hold places on this offer; stop or complete them first.");
            var now = _writer.Now();
            var proposers = MatchesService.DeclineProposalsOn(c, t, id, now);
            // After the offer's own lock: the one order that differs from newcomers-first (the database detects a
            // deadlock with a concurrent move of one of these proposals, and the write is retried).
            _writer.LockNewcomers(c, t, proposers);
            _writer.ExecuteNumbered(c, t, OfferSql.MarkDeleted, "@seq", ["id", "now"], [id, now]);
            _writer.Audit(c, t, actor, "offer.deleted", "offer", id);
            _writer.Changed(c, t, "offer", id);
            // Their proposals were declined: the newcomer index learns whether they still have an open match.
            declined.Clear();
            foreach (var newcomerId in proposers)
            {
                _writer.Changed(c, t, "newcomer", newcomerId);
                declined.Add((newcomerId, NewcomersService.MatchState(c, t, newcomerId)));
            }
            return Result<bool>.Ok(true);
        }, after: r =>
        {
            if (r.Outcome != Outcome.Ok) return;
            store.Engine.Remove(id);
            foreach (var (newcomerId, state) in declined) store.Newcomers.SetMatchState(newcomerId, (int)state.Held, (int)state.Open);
        });
    }

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
            : _writer.Read(c => c.Query<OfferRow>(_writer.InIds(OfferSql.ManyWithHeld), new { ids }).ToDictionary(r => r.Id, StringComparer.Ordinal));
        // An offer deleted on another instance since the index last heard of it is left out.
        var items = ids.Where(rows.ContainsKey).Select(id => rows[id].ToView(store.Mapper)).ToList();
        return new OfferPage(items, filter.Page, filter.PageSize, all.Count);
    }

    /// <summary>
    /// Offers written or deleted after change number <paramref name="since"/>, in change order, from the database: the
    /// reconciliation list. A deleted offer appears as its id with <c>deleted: true</c>.
    /// </summary>
    public ChangePage<OfferDocument> ChangedSince(long since, int limit)
    {
        var rows = _writer.Read(c => c.Query<ChangeRow>(_writer.Reconciliation(OfferSql.ChangedSince), new { since, limit }).ToList());
        return ChangePage<OfferDocument>.Of(rows, since, limit, store.Mapper.ReadStoredOffer);
    }

    /// <summary>Creates or replaces validated offers inside a write: the one upsert of a PUT and of an import.</summary>
    internal void Upsert(DbConnection c, IDbTransaction t, IReadOnlyCollection<Offer> offers) =>
        Upsert(c, t, offers.Select(o => (o, JsonSerializer.Serialize(DocumentMapper.ToDocument(o), DocumentJson.Options))).ToList());

    /// <summary>The upsert with each offer's stored JSON already made (an import compared it with the stored one).</summary>
    internal void Upsert(DbConnection c, IDbTransaction t, IReadOnlyList<(Offer Offer, string Json)> rows)
    {
        if (rows.Count == 0) return;
        var now = _writer.Now();
        _writer.UpsertNumbered(c, t, OfferSql.Upsert, ["Id", "Json", "Kind", "Setting", "Place", "Capacity", "Now"], rows.Select(r => new object?[]
        {
            r.Offer.Id,
            r.Json,
            WireNames.Of(r.Offer.Kind),
            WireNames.Of(r.Offer.Setting),
            r.Offer.Location.Place,
            (long)r.Offer.Capacity,
            now,
        }).ToList());
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
        // The documents as UTF-8 (SQLite stores them so) and mapped in parallel: see NewcomersService.LoadIndex.
        var utf8 = _writer.Database is SqliteDatabase;
        var rows = _writer.Read(c =>
        {
            var list = new List<(string Id, byte[] Document, long Held)>();
            using var reader = (DbDataReader)c.ExecuteReader(OfferSql.AllWithHeld);
            while (reader.Read())
            {
                list.Add((reader.GetString(0), utf8 ? reader.GetFieldValue<byte[]>(1) : System.Text.Encoding.UTF8.GetBytes(reader.GetString(1)), reader.GetInt64(2)));
            }
            return list;
        });
        var offers = new (Offer, int)[rows.Count];
        Parallel.For(0, rows.Count, i =>
        {
            var (id, document, held) = rows[i];
            offers[i] = (store.Mapper.ToOffer(id, JsonSerializer.Deserialize<OfferDocument>(document, DocumentJson.Options), out var errors)
                ?? throw new InvalidDataException($"Stored offer '{id}' no longer validates: {errors}"), (int)held);
        });
        store.Engine.UpsertMany(offers);
    }

    /// <summary>
    /// Reloads some offers' index entries from the database, 500 per query, and re-lays the index out once for all of
    /// them (not once per query); call inside the write gate.
    /// </summary>
    internal void Reindex(IReadOnlyList<string> offerIds)
    {
        var live = new List<(Offer, int)>(offerIds.Count);
        foreach (var chunk in offerIds.Chunk(500))
        {
            var rows = _writer.Read(c => c.Query<(string Id, string Document, long Deleted, long Held)>(_writer.InIds(OfferSql.ManyForImport), new { ids = chunk }).ToDictionary(r => r.Id, StringComparer.Ordinal));
            foreach (var id in chunk)
            {
                if (rows.TryGetValue(id, out var row) && row.Deleted == 0) live.Add((Parse(id, row.Document), (int)row.Held));
                else store.Engine.Remove(id);
            }
        }
        if (live.Count > 0) store.Engine.UpsertMany(live);
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
        public OfferView ToView(DocumentMapper mapper) => new(mapper.ReadStoredOffer(Document), (int)Held, (int)(Capacity - Held));
    }
}
