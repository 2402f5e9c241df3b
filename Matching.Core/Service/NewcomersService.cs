using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Dapper;
using Matching.Contracts;
using Matching.Model;
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

    /// <summary>Creates or replaces a newcomer.</summary>
    public Result<NewcomerDocument> Put(string id, NewcomerDocument? document, string actor)
    {
        var newcomer = store.Mapper.ToNewcomer(id, document, out var errors);
        if (newcomer is null) return Result<NewcomerDocument>.Invalid(errors);
        MatchStateRow state = new();
        var created = _writer.Write((c, t) =>
        {
            var existed = c.ExecuteScalar<long>(NewcomerSql.Exists, new { id }, t) > 0;
            Upsert(c, t, [newcomer]);
            _writer.Audit(c, t, actor, existed ? "newcomer.updated" : "newcomer.created", "newcomer", id);
            _writer.Changed(c, t, "newcomer", id);
            state = MatchState(c, t, id);
            return !existed;
        }, after: _ => store.Newcomers.Upsert(newcomer, (int)state.Held, (int)state.Open));
        var stored = DocumentMapper.ToDocument(newcomer);
        return created ? Result<NewcomerDocument>.Created(stored) : Result<NewcomerDocument>.Ok(stored);
    }

    /// <summary>The stored newcomer, or null; its location carries the municipality also when stored before locations did.</summary>
    public NewcomerDocument? Get(string id)
    {
        var json = _writer.Read(c => c.QuerySingleOrDefault<string>(NewcomerSql.Document, new { id }));
        if (json is null) return null;
        var document = JsonSerializer.Deserialize<NewcomerDocument>(json, DocumentJson.Options)!;
        store.Mapper.ResolveMunicipality(document.Location);
        return document;
    }

    /// <summary>The stored newcomer as the engine's model, or null: from the newcomer index once it is loaded.</summary>
    public Newcomer? Load(string id)
    {
        if (store.NewcomersLoaded) return store.Newcomers.Get(id);
        var document = Get(id);
        return document is null ? null : store.Mapper.ToNewcomer(id, document, out _);
    }

    /// <summary>
    /// Erases a newcomer: the attributes are deleted, their matches become anonymous outcome rows (active ones are
    /// stopped with reason <c>erased</c>, freeing their places), and earlier audit rows lose the id.
    /// </summary>
    public bool Erase(string id, string actor)
    {
        var freed = new List<(string OfferId, int Held)>();
        return _writer.Write((c, t) =>
        {
            if (c.ExecuteScalar<long>(NewcomerSql.Exists, new { id }, t) == 0) return false;
            var offers = MatchesService.EndForErasure(c, t, id, _writer.Now());
            c.Execute(NewcomerSql.Delete, new { id }, t);
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
            return true;
        }, after: erased =>
        {
            if (!erased) return;
            store.Newcomers.Remove(id);
            foreach (var (offerId, held) in freed) store.Engine.SetHeld(offerId, held);
        });
    }

    /// <summary>
    /// Erases every newcomer whose trajectory ended more than <paramref name="months"/> months before today, as
    /// <see cref="Erase"/> does (actor <c>retention</c>). Newcomers without a trajectory end are kept.
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
    /// imported a large batch). Documents are mapped in parallel: half a million take seconds, not minutes.
    /// </summary>
    public void LoadIndex() => _writer.Gated(() =>
    {
        // Inside the write gate, so that no write of this process lands between the read and the swap.
        var (rows, states) = _writer.Read(c => (
            c.Query<(string Id, string Document)>(NewcomerSql.All).ToList(),
            c.Query<MatchStateRow>(NewcomerSql.MatchStates).ToDictionary(r => r.Id, StringComparer.Ordinal)));
        var models = new Newcomer?[rows.Count];
        Parallel.For(0, rows.Count, i =>
            models[i] = store.Mapper.ToNewcomer(rows[i].Id, JsonSerializer.Deserialize<NewcomerDocument>(rows[i].Document, DocumentJson.Options), out _));
        store.Newcomers.Clear();
        foreach (var n in models)
        {
            if (n is null) continue;
            var state = states.GetValueOrDefault(n.Id);
            store.Newcomers.Upsert(n, (int)(state?.Held ?? 0), (int)(state?.Open ?? 0));
        }
        store.NewcomersLoaded = true;
        return rows.Count;
    });

    /// <summary>Drops from the index every newcomer no longer stored (the change feed: another instance erased one).</summary>
    internal void DropErased()
    {
        var stored = _writer.Read(c => c.Query<string>(NewcomerSql.Ids).ToHashSet(StringComparer.Ordinal));
        foreach (var n in store.Newcomers.Waiting(withoutAnyOpenMatch: false).Concat(store.Newcomers.Placed()))
        {
            if (!stored.Contains(n.Id)) store.Newcomers.Remove(n.Id);
        }
    }

    /// <summary>Reloads one newcomer from the database into the index (the change feed: another instance wrote it).</summary>
    internal void Reindex(string id)
    {
        var (json, state) = _writer.Read(c => (
            c.QuerySingleOrDefault<string>(NewcomerSql.Document, new { id }),
            c.QuerySingleOrDefault<MatchStateRow>(NewcomerSql.MatchState, new { id })));
        var newcomer = json is null ? null : store.Mapper.ToNewcomer(id, JsonSerializer.Deserialize<NewcomerDocument>(json, DocumentJson.Options), out _);
        if (newcomer is null) store.Newcomers.Remove(id);
        else store.Newcomers.Upsert(newcomer, (int)(state?.Held ?? 0), (int)(state?.Open ?? 0));
    }

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
    internal void Upsert(DbConnection c, IDbTransaction t, IEnumerable<Newcomer> newcomers)
    {
        var now = _writer.Now();
        c.Execute(NewcomerSql.Upsert, newcomers.Select(n => new
        {
            n.Id,
            Json = JsonSerializer.Serialize(DocumentMapper.ToDocument(n), DocumentJson.Options),
            End = n.TrajectoryEnd?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            Now = now,
        }), t);
    }

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
