using System.Data;
using System.Data.Common;
using System.Text.Json;
using Dapper;
using Matching.Contracts;
using Matching.Model;
using Matching.Storage;

namespace Matching.Service;

/// <summary>What a bulk import did: rows created, replaced, and left as they were because they equal the stored document.</summary>
/// <param name="Created">New ids (or offers deleted before and now revived).</param>
/// <param name="Updated">Existing ids whose document changed.</param>
/// <param name="Unchanged">Existing ids whose document was already the same: not written, their change number kept.</param>
public sealed record ImportCounts(int Created, int Updated, int Unchanged);

/// <summary>
/// Bulk sync of newcomers and offers from a case-management system: validated rows (from
/// <see cref="Data.JsonLinesImporter"/>) stored all or nothing through the rooms' one upsert, the offer index updated
/// once per batch, one audit row per batch.
/// </summary>
/// <remarks>
/// A row equal to the stored document (compared as the canonical JSON the upsert writes) is not written, so a
/// re-sent export does not move every row to the end of the reconciliation lists. Thread-safe.
/// </remarks>
public sealed class ImportsService(MatchingStore store, NewcomersService newcomers, OffersService offers)
{
    /// <summary>Ids per IN (…) list: well below SQLite's and PostgreSQL's parameter limits.</summary>
    private const int Chunk = 500;

    private readonly WriteContext _writer = store.Writer;

    /// <summary>Creates or replaces validated newcomers in one transaction.</summary>
    /// <param name="batch">The newcomers, ids distinct.</param>
    /// <param name="actor">The API key's name.</param>
    public ImportCounts Newcomers(IReadOnlyList<Newcomer> batch, string actor)
    {
        var indexNewcomers = () => { };
        var counts = _writer.Write((c, t) =>
        {
            var stored = Stored<(string Id, string Document)>(c, t, _writer.InIds(NewcomerSql.Documents), batch.Select(n => n.Id)).ToDictionary(r => r.Id, r => r.Document, StringComparer.Ordinal);
            var changed = new List<Newcomer>(batch.Count);
            int created = 0, unchanged = 0;
            foreach (var n in batch)
            {
                if (!stored.TryGetValue(n.Id, out var document)) { created++; changed.Add(n); }
                else if (document == Canonical(DocumentMapper.ToDocument(n))) unchanged++;
                else changed.Add(n);
            }
            newcomers.Upsert(c, t, changed);
            indexNewcomers = newcomers.Announce(c, t, changed);
            var counts = new ImportCounts(created, changed.Count - created, unchanged);
            _writer.Audit(c, t, actor, "newcomers.imported", "batch", null, Detail(counts));
            return counts;
        }, after: _ => indexNewcomers());
        store.Telemetry.Imported(batch.Count, 0);
        return counts;
    }

    /// <summary>
    /// Creates or replaces validated offers in one transaction; a conflict naming the line when an offer's capacity is
    /// below the places its matches hold (then nothing is written).
    /// </summary>
    /// <param name="batch">The offers, ids distinct.</param>
    /// <param name="lines">The line (or array position, 1-based) of each offer, for the conflict's message.</param>
    /// <param name="actor">The API key's name.</param>
    public Result<ImportCounts> Offers(IReadOnlyList<Offer> batch, IReadOnlyList<int> lines, string actor)
    {
        var changed = new List<(Offer Offer, int Held)>(batch.Count);
        var result = _writer.Write((c, t) =>
        {
            changed.Clear(); // a retried transaction starts again
            var stored = Stored<StoredOffer>(c, t, _writer.InIds(OfferSql.ManyForImport) + _writer.ForUpdate, batch.Select(o => o.Id)).ToDictionary(r => r.Id, StringComparer.Ordinal);
            int created = 0, unchanged = 0;
            for (var i = 0; i < batch.Count; i++)
            {
                var o = batch[i];
                if (!stored.TryGetValue(o.Id, out var row)) { created++; changed.Add((o, 0)); continue; }
                if (row.Held > o.Capacity)
                {
                    return Result<ImportCounts>.Conflict(
                        $"Line {lines[i]}, capacity: offer '{o.Id}' holds {row.Held} accepted or started matches; capacity cannot go below that. Nothing was imported.");
                }
                if (row.Deleted != 0) created++;
                else if (row.Document == Canonical(DocumentMapper.ToDocument(o))) { unchanged++; continue; }
                changed.Add((o, (int)row.Held));
            }
            offers.Upsert(c, t, changed.Select(x => x.Offer).ToList());
            foreach (var (o, _) in changed) _writer.Changed(c, t, "offer", o.Id);
            var counts = new ImportCounts(created, changed.Count - created, unchanged);
            _writer.Audit(c, t, actor, "offers.imported", "batch", null, Detail(counts));
            return Result<ImportCounts>.Ok(counts);
        }, after: r =>
        {
            // The index learns the whole batch at once, after the commit, inside the write gate.
            if (r.Outcome == Outcome.Ok) store.Engine.UpsertMany(changed);
        });
        if (result.Outcome == Outcome.Ok) store.Telemetry.Imported(0, batch.Count);
        return result;
    }

    private static string Canonical<T>(T document) => JsonSerializer.Serialize(document, DocumentJson.Options);

    private static string Detail(ImportCounts counts) => $"created={counts.Created} updated={counts.Updated} unchanged={counts.Unchanged}";

    private static List<T> Stored<T>(DbConnection c, IDbTransaction t, string sql, IEnumerable<string> ids) =>
        ids.Chunk(Chunk).SelectMany(chunk => c.Query<T>(sql, new { ids = chunk }, t)).ToList();

    private sealed class StoredOffer
    {
        public string Id { get; set; } = "";
        public string Document { get; set; } = "";
        public long Deleted { get; set; }
        public long Held { get; set; }
    }
}
