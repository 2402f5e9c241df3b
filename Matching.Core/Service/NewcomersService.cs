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
    /// <remarks>ifMatch, the caller's If-Match (null: none), is checked against the stored version inside the write.</remarks>
    public Result<NewcomerDocument> Put(string id, NewcomerDocument? document, string actor, string? ifMatch = null)
    {
        var newcomer = store.Mapper.ToNewcomer(id, document, out var errors);
        if (newcomer is null) return Result<NewcomerDocument>.Invalid(errors);
        var (outcome, tag) = _writer.Write((c, t) =>
        {
            var current = c.QuerySingleOrDefault<string>(NewcomerSql.Document + _writer.ForUpdate, new { id }, t);
            if (!ETags.Allows(ifMatch, current is null ? null : ETags.Of(current))) return (Outcome.Stale, null);
            Upsert(c, t, [newcomer]);
            _writer.Audit(c, t, actor, current is not null ? "newcomer.updated" : "newcomer.created", "newcomer", id);
            return (current is null ? Outcome.Created : Outcome.Ok, ETags.Of(c.QuerySingle<string>(NewcomerSql.Document, new { id }, t)));
        });
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

    /// <summary>The stored newcomer as the engine's model, or null.</summary>
    public Newcomer? Load(string id)
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
            var current = c.QuerySingleOrDefault<string>(NewcomerSql.Document + _writer.ForUpdate, new { id }, t);
            if (current is null) return Result<bool>.NotFound($"No newcomer '{id}'.");
            if (!ETags.Allows(ifMatch, ETags.Of(current))) return Result<bool>.Stale();
            var offers = MatchesService.EndForErasure(c, t, id, _writer.Now());
            c.Execute(NewcomerSql.Delete, new { id }, t);
            c.Execute(NewcomerSql.Erased, new { seq = _writer.TakeSeqs(c, t, 1), id = ErasedId(id), now = _writer.Now() }, t);
            AuditService.Anonymise(c, t, "newcomer", id);
            _writer.Audit(c, t, actor, "newcomer.erased", "newcomer", null);
            foreach (var offerId in offers)
            {
                freed.Add((offerId, OffersService.HeldPlaces(c, t, offerId)));
                _writer.Changed(c, t, "offer", offerId);
            }
            return Result<bool>.Ok(true);
        }, after: _ => { foreach (var (offerId, held) in freed) store.Engine.SetHeld(offerId, held); });
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

    /// <summary>Streams, by id, every stored newcomer that holds no place yet (for the reverse ranking and the gap report).</summary>
    public IEnumerable<Newcomer> Unplaced() => Stream(withoutAnyOpenMatch: false);

    /// <summary>Streams, by id, every stored newcomer with no proposed, accepted or started match: the default cohort of an allocation.</summary>
    public IEnumerable<Newcomer> WithoutOpenMatch() => Stream(withoutAnyOpenMatch: true);

    /// <summary>Creates or replaces validated newcomers inside a write: the one upsert of a PUT and of an import.</summary>
    internal void Upsert(DbConnection c, IDbTransaction t, IReadOnlyCollection<Newcomer> newcomers) =>
        Upsert(c, t, newcomers.Select(n => (n, JsonSerializer.Serialize(DocumentMapper.ToDocument(n), DocumentJson.Options))).ToList());

    /// <summary>The upsert with each newcomer's stored JSON already made (an import compared it with the stored one).</summary>
    internal void Upsert(DbConnection c, IDbTransaction t, IReadOnlyList<(Newcomer Newcomer, string Json)> rows)
    {
        if (rows.Count == 0) return;
        var now = _writer.Now();
        var first = _writer.TakeSeqs(c, t, rows.Count);
        WriteContext.ExecuteMany(c, t, NewcomerSql.Upsert, ["Id", "Json", "End", "Now", "Seq"], rows.Select((r, i) => new object?[]
        {
            r.Newcomer.Id,
            r.Json,
            r.Newcomer.TrajectoryEnd?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            now,
            first + i,
        }));
    }

    /// <summary>
    /// Newcomers written and erased after change number <paramref name="since"/>, in change order: the reconciliation
    /// list. An erasure appears as <see cref="ErasedId"/> with <c>deleted: true</c> and nothing else.
    /// </summary>
    public ChangePage<NewcomerDocument> ChangedSince(long since, int limit)
    {
        var rows = _writer.Read(c => c.Query<ChangeRow>(NewcomerSql.ChangedSince, new { since, limit }).ToList());
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
