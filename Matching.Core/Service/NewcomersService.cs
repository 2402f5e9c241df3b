using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Dapper;
using Matching.Contracts;
using Matching.Model;
using Matching.Ranking;
using Matching.Storage;

namespace Matching.Service;

/// <summary>
/// Newcomers: validated create-or-replace, read, erasure (also by the retention rule), and the streams of stored
/// newcomers that ranking and allocation work over.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed class NewcomersService(MatchingStore store)
{
    private readonly WriteContext _writer = store.Writer;
    private readonly Lock _reload = new();

    /// <summary>Creates or replaces a newcomer.</summary>
    /// <remarks>ifMatch, the caller's If-Match (null: none), is checked against the stored version inside the write.</remarks>
    public Result<NewcomerDocument> Put(string id, NewcomerDocument? document, string actor, string? ifMatch = null)
    {
        var newcomer = store.Mapper.ToNewcomer(id, document, out var errors);
        if (newcomer is null) return Result<NewcomerDocument>.Invalid(errors);
        MatchStateRow state = new();
        var json = JsonSerializer.Serialize(DocumentMapper.ToDocument(newcomer), DocumentJson.Options);
        var (outcome, tag) = _writer.Write<(Outcome Outcome, string? Tag)>((c, t) =>
        {
            var current = c.QuerySingleOrDefault<string>(NewcomerSql.Document + _writer.ForUpdate, new { id }, t);
            if (current is null)
            {
                // No row to lock yet: creators of the same id take turns on its name, and the later one finds the row.
                _writer.LockName(c, t, "newcomer:" + id);
                current = c.QuerySingleOrDefault<string>(NewcomerSql.Document + _writer.ForUpdate, new { id }, t);
            }
            if (!ETags.Allows(ifMatch, current is null ? null : ETags.Of(current))) return (Outcome.Stale, null);
            state = MatchState(c, t, id);
            _writer.Audit(c, t, actor, current is not null ? "newcomer.updated" : "newcomer.created", "newcomer", id);
            _writer.Changed(c, t, "newcomer", id);
            // Last: the upsert takes the change counter, whose row every writer of offers and newcomers waits for
            // until this transaction commits.
            Upsert(c, t, [(newcomer, json)]);
            return (current is null ? Outcome.Created : Outcome.Ok, ETags.Of(json));
        }, after: r => { if (r.Outcome != Outcome.Stale) store.Newcomers.Upsert(newcomer, (int)state.Held, (int)state.Open); });
        if (outcome == Outcome.Stale) return Result<NewcomerDocument>.Stale();
        var stored = DocumentMapper.ToDocument(newcomer);
        return (outcome == Outcome.Created ? Result<NewcomerDocument>.Created(stored) : Result<NewcomerDocument>.Ok(stored)) with { Tag = tag };
    }

    /// <summary>The stored newcomer, or null; its location carries the municipality also when stored before locations did.</summary>
    public NewcomerDocument? Get(string id) => GetWithTag(id)?.Document;

    /// <summary>The stored newcomer and its version (ETag), or null.</summary>
    public (NewcomerDocument Document, string Tag)? GetWithTag(string id)
    {
        var json = _writer.Read(c => c.QuerySingleOrDefault<string>(NewcomerSql.Document, new { id }));
        if (json is null) return null;
        return (store.Mapper.ReadStoredNewcomer(json), ETags.Of(json));
    }

    /// <summary>
    /// The stored newcomer as the engine's model, or null: from the newcomer index once it is loaded (as current as the
    /// offer index: another instance's write arrives with the change feed), else, and for a newcomer the index does not
    /// know yet, from the database.
    /// </summary>
    public Newcomer? Load(string id) => (store.NewcomersLoaded ? store.Newcomers.Get(id) : null) ?? LoadStored(id);

    /// <summary>The stored newcomer as the engine's model, read from the database (what a write checks against), or null.</summary>
    internal Newcomer? LoadStored(string id)
    {
        var document = Get(id);
        return document is null ? null : store.Mapper.ToNewcomer(id, document, out _);
    }

    /// <summary>
    /// Erases a newcomer: the attributes are deleted, their matches become anonymous outcome rows (active ones are
    /// stopped with reason <c>erased</c>, freeing their places), and earlier audit rows lose the id.
    /// </summary>
    public bool Erase(string id, string actor) => Erase(id, actor, null).Outcome == Outcome.Ok;

    /// <summary>Erases a newcomer as <see cref="Erase(string, string)"/> does, when <paramref name="ifMatch"/> (if any) names its current version.</summary>
    public Result<bool> Erase(string id, string actor, string? ifMatch)
    {
        var freed = new List<(string OfferId, int Held)>();
        return _writer.Write((c, t) =>
        {
            freed.Clear(); // a retried transaction starts again
            var current = c.QuerySingleOrDefault<string>(NewcomerSql.Document + _writer.ForUpdate, new { id }, t);
            if (current is null) return Result<bool>.NotFound($"No newcomer '{id}'.");
            if (!ETags.Allows(ifMatch, ETags.Of(current))) return Result<bool>.Stale();
            var offers = MatchesService.EndForErasure(c, t, id, _writer.Now());
            _writer.LockOffers(c, t, offers);
            c.Execute(NewcomerSql.Delete, new { id }, t);
            _writer.ExecuteNumbered(c, t, NewcomerSql.Erased, "@seq", ["id", "now"], [ErasedId(id), _writer.Now()]);
            AuditService.Anonymise(c, t, "newcomer", id);
            _writer.Audit(c, t, actor, "newcomer.erased", "newcomer", null);
            // The feed must not keep the id either: its rows are deleted, and other instances are told only that some
            // newcomer was erased (they drop whoever is no longer stored).
            c.Execute(ChangeSql.ForgetNewcomer, new { id }, t);
            _writer.Changed(c, t, ChangeFeed.AllNewcomers, ChangeFeed.Erased);
            foreach (var offerId in offers)
            {
                freed.Add((offerId, OffersService.HeldPlaces(c, t, offerId)));
                _writer.Changed(c, t, "offer", offerId);
            }
            return Result<bool>.Ok(true);
        }, after: r =>
        {
            if (r.Outcome != Outcome.Ok) return;
            store.Newcomers.Remove(id);
            foreach (var (offerId, held) in freed) store.Engine.SetHeld(offerId, held);
        });
    }

    /// <summary>
    /// Erases every newcomer whose trajectory ended more than <paramref name="months"/> months before today, as
    /// <see cref="Erase(string, string)"/> does (actor <c>retention</c>). Newcomers without a trajectory end are kept.
    /// </summary>
    /// <returns>How many were erased.</returns>
    public int EraseEndedTrajectories(int months)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(months);
        var cutoff = DateOnly.FromDateTime(_writer.Time.GetUtcNow().UtcDateTime).AddMonths(-months).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var ids = _writer.Read(c => c.Query<string>(NewcomerSql.TrajectoryEndedBefore, new { cutoff }).ToList());
        return ids.Count(id => Erase(id, "retention"));
    }

    /// <summary>Every stored newcomer that holds no place yet, by id (for the gap report).</summary>
    public IEnumerable<Newcomer> Unplaced() =>
        store.NewcomersLoaded ? store.Newcomers.Waiting(withoutAnyOpenMatch: false) : Stream(withoutAnyOpenMatch: false);

    /// <summary>Every stored newcomer with no proposed, accepted or started match, by id: the default cohort of an allocation.</summary>
    public IEnumerable<Newcomer> WithoutOpenMatch() =>
        store.NewcomersLoaded ? store.Newcomers.Waiting(withoutAnyOpenMatch: true) : Stream(withoutAnyOpenMatch: true);

    /// <summary>
    /// Loads every stored newcomer with its match state into the newcomer index (at start, and when another instance
    /// imported a large batch). The new index is read, mapped (in parallel) and built outside the write gate, which at
    /// 500,000 newcomers takes seconds; inside the gate it replaces the old one in one step, and the newcomers this
    /// process wrote meanwhile are read again.
    /// </summary>
    internal int LoadIndex()
    {
        lock (_reload)
        {
            store.Newcomers.StartRecording();
            var (rows, states) = _writer.Read(c => (ReadAllUtf8(c), c.Query<MatchStateRow>(NewcomerSql.MatchStates).ToDictionary(r => r.Id, StringComparer.Ordinal)));
            var models = new Newcomer?[rows.Count];
            Parallel.For(0, rows.Count, i =>
            {
                var document = JsonSerializer.Deserialize<NewcomerDocument>(rows[i].Document, DocumentJson.Options)!;
                store.Mapper.ResolveMunicipality(document.Location);
                models[i] = store.Mapper.ToNewcomer(rows[i].Id, document, out _);
            });
            var fresh = NewcomerIndex.Build(models.OfType<Newcomer>().Select(n =>
            {
                var state = states.GetValueOrDefault(n.Id);
                return (n, (int)(state?.Held ?? 0), (int)(state?.Open ?? 0));
            }));
            return _writer.Gated(() =>
            {
                Reindex([.. store.Newcomers.Adopt(fresh)]);
                store.NewcomersLoaded = true;
                return rows.Count;
            });
        }
    }

    /// <summary>
    /// Every stored newcomer's id and document as UTF-8 (at 500,000 newcomers the documents as .NET strings were 700 MB of
    /// UTF-16 made only to be transcoded back by the deserializer; SQLite hands out its text as the UTF-8 it stores).
    /// </summary>
    private List<(string Id, byte[] Document)> ReadAllUtf8(DbConnection c)
    {
        var utf8 = _writer.Database is SqliteDatabase;
        var rows = new List<(string, byte[])>(c.ExecuteScalar<int>(NewcomerSql.Count));
        using var reader = (DbDataReader)c.ExecuteReader(NewcomerSql.All);
        while (reader.Read())
        {
            rows.Add((reader.GetString(0), utf8 ? reader.GetFieldValue<byte[]>(1) : System.Text.Encoding.UTF8.GetBytes(reader.GetString(1))));
        }
        return rows;
    }

    /// <summary>Drops from the index every newcomer no longer stored (the change feed: another instance erased one); call inside the write gate.</summary>
    internal void DropErased()
    {
        var stored = _writer.Read(c => c.Query<string>(NewcomerSql.Ids).ToHashSet(StringComparer.Ordinal));
        foreach (var id in store.Newcomers.Ids())
        {
            if (!stored.Contains(id)) store.Newcomers.Remove(id);
        }
    }

    /// <summary>
    /// Reloads some newcomers from the database into the index, 500 per query (the change feed: another instance wrote
    /// them); one no longer stored leaves the index. Call inside the write gate.
    /// </summary>
    internal void Reindex(IReadOnlyList<string> ids)
    {
        foreach (var chunk in ids.Chunk(500))
        {
            var (rows, states) = _writer.Read(c => (
                c.Query<(string Id, string Document)>(_writer.InIds(NewcomerSql.Documents), new { ids = chunk }).ToDictionary(r => r.Id, r => r.Document, StringComparer.Ordinal),
                c.Query<MatchStateRow>(_writer.InIds(NewcomerSql.MatchStatesOf), new { ids = chunk }).ToDictionary(r => r.Id, StringComparer.Ordinal)));
            foreach (var id in chunk)
            {
                var newcomer = rows.TryGetValue(id, out var json) ? Parse(id, json) : null;
                if (newcomer is null) { store.Newcomers.Remove(id); continue; }
                var state = states.GetValueOrDefault(id);
                store.Newcomers.Upsert(newcomer, (int)(state?.Held ?? 0), (int)(state?.Open ?? 0));
            }
        }
    }

    /// <summary>
    /// Inside the write that stored <paramref name="written"/> (an import): appends their change-feed rows (one row
    /// asking for a full reload past <see cref="ChangeFeed.LargeBatch"/>) and reads their match state; returns what puts
    /// them into this instance's index after the commit, inside the write gate.
    /// </summary>
    internal Action Announce(DbConnection c, IDbTransaction t, IReadOnlyCollection<Newcomer> written)
    {
        if (written.Count == 0) return () => { };
        if (written.Count > ChangeFeed.LargeBatch) _writer.Changed(c, t, ChangeFeed.AllNewcomers, "*");
        else _writer.Changed(c, t, "newcomer", written.Select(n => n.Id));
        var states = MatchStates(c, t);
        return () =>
        {
            foreach (var n in written)
            {
                var state = states.GetValueOrDefault(n.Id);
                store.Newcomers.Upsert(n, (int)(state?.Held ?? 0), (int)(state?.Open ?? 0));
            }
        };
    }

    /// <summary>A stored document as the engine's model (null when it no longer validates, as <see cref="Load"/> reads it).</summary>
    private Newcomer? Parse(string id, string json) => store.Mapper.ToNewcomer(id, store.Mapper.ReadStoredNewcomer(json), out _);

    /// <summary>A newcomer's places held and open matches inside a write, for the index after a match changed.</summary>
    internal static MatchStateRow MatchState(DbConnection c, IDbTransaction t, string id) =>
        c.QuerySingleOrDefault<MatchStateRow>(NewcomerSql.MatchState, new { id }, t) ?? new MatchStateRow();

    /// <summary>The match state of every newcomer with an open match, inside a write (after an import).</summary>
    internal static Dictionary<string, MatchStateRow> MatchStates(DbConnection c, IDbTransaction t) =>
        c.Query<MatchStateRow>(NewcomerSql.MatchStates, transaction: t).ToDictionary(r => r.Id, StringComparer.Ordinal);

    /// <summary>A newcomer's match state as a query reads it.</summary>
    internal sealed record MatchStateRow
    {
        public string Id { get; init; } = "";
        public long Held { get; init; }
        public long Open { get; init; }
    }

    /// <summary>Creates or replaces validated newcomers inside a write: the one upsert of a PUT and of an import.</summary>
    internal void Upsert(DbConnection c, IDbTransaction t, IReadOnlyCollection<Newcomer> newcomers) =>
        Upsert(c, t, newcomers.Select(n => (n, JsonSerializer.Serialize(DocumentMapper.ToDocument(n), DocumentJson.Options))).ToList());

    /// <summary>The upsert with each newcomer's stored JSON already made (an import compared it with the stored one).</summary>
    internal void Upsert(DbConnection c, IDbTransaction t, IReadOnlyList<(Newcomer Newcomer, string Json)> rows)
    {
        if (rows.Count == 0) return;
        var now = _writer.Now();
        _writer.UpsertNumbered(c, t, NewcomerSql.Upsert, ["Id", "Json", "Start", "End", "Now"], rows.Select(r => new object?[]
        {
            r.Newcomer.Id,
            r.Json,
            r.Newcomer.TrajectoryStart?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            r.Newcomer.TrajectoryEnd?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            now,
        }).ToList());
    }

    /// <summary>
    /// Newcomers written and erased after change number <paramref name="since"/>, in change order: the reconciliation
    /// list. An erasure appears as <see cref="ErasedId"/> with <c>deleted: true</c> and nothing else.
    /// </summary>
    public ChangePage<NewcomerDocument> ChangedSince(long since, int limit)
    {
        var rows = _writer.Read(c => c.Query<ChangeRow>(_writer.Reconciliation(NewcomerSql.ChangedSince), new { since, limit }).ToList());
        return ChangePage<NewcomerDocument>.Of(rows, since, limit, store.Mapper.ReadStoredNewcomer);
    }

    /// <summary>
    /// How an erasure names the newcomer in the reconciliation list: <c>sha256:</c> and the lowercase hex SHA-256 of the
    /// id's UTF-8 bytes. The caller, who knows its ids, recognises it; the database never holds the erased id again.
    /// </summary>
    public static string ErasedId(string id) =>
        "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(id)));

    /// <summary>Places a newcomer holds, inside a write; null when the newcomer does not exist.</summary>
    internal static long? PlacesHeld(DbConnection c, IDbTransaction t, string newcomerId) =>
        c.QuerySingleOrDefault<long?>(NewcomerSql.PlacesHeld, new { id = newcomerId }, t);

    /// <summary>Streams, by id, the newcomers holding no place, or (<paramref name="withoutAnyOpenMatch"/>) with no open match either.</summary>
    private IEnumerable<Newcomer> Stream(bool withoutAnyOpenMatch)
    {
        using var connection = _writer.Database.Open();
        var query = withoutAnyOpenMatch ? NewcomerSql.WithoutOpenMatch : NewcomerSql.Unplaced;
        foreach (var (id, json) in connection.Query<(string Id, string Document)>(query, buffered: false))
        {
            var newcomer = store.Mapper.ToNewcomer(id, JsonSerializer.Deserialize<NewcomerDocument>(json, DocumentJson.Options), out _);
            if (newcomer is not null) yield return newcomer;
        }
    }
}
