using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
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
    private readonly WriteContext _writer = store.Writer;

    /// <summary>Creates or replaces validated newcomers in one transaction.</summary>
    /// <param name="batch">The newcomers, ids distinct.</param>
    /// <param name="actor">The API key's name.</param>
    public ImportCounts Newcomers(IReadOnlyList<Newcomer> batch, string actor)
    {
        var indexNewcomers = () => { };
        var documents = Canonical(batch, DocumentMapper.ToDocument);
        var counts = _writer.Write((c, t) =>
        {
            var stored = new Dictionary<string, string>(batch.Count, StringComparer.Ordinal);
            // The rows first (in id order, before the change counter, as a PUT takes them), then the comparison.
            var ids = Ids(batch, n => n.Id);
            _writer.LockNewcomers(c, t, ids);
            WriteContext.QueryByIds(c, t, NewcomerSql.Documents, ids, r => stored[r.GetString(0)] = r.GetString(1));
            var changed = new List<(Newcomer, string)>(batch.Count);
            int created = 0, unchanged = 0;
            for (var i = 0; i < batch.Count; i++)
            {
                if (!stored.TryGetValue(batch[i].Id, out var document)) { created++; changed.Add((batch[i], documents[i])); }
                else if (document == documents[i]) unchanged++;
                else changed.Add((batch[i], documents[i]));
            }
            newcomers.Upsert(c, t, changed);
            indexNewcomers = newcomers.Announce(c, t, changed.ConvertAll(w => w.Item1));
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
        var documents = Canonical(batch, DocumentMapper.ToDocument);
        var changed = new List<(Offer Offer, int Held)>(batch.Count);
        var result = _writer.Write((c, t) =>
        {
            changed.Clear(); // a retried transaction starts again
            var stored = new Dictionary<string, (string Document, bool Deleted, int Held)>(batch.Count, StringComparer.Ordinal);
            // Locked first, in id order, then read in a statement of its own: a statement that waits for a lock still
            // counts the places held as of its start, before the commit it waited for.
            var ids = Ids(batch, o => o.Id);
            _writer.LockOffers(c, t, ids);
            WriteContext.QueryByIds(c, t, OfferSql.ManyForImport, ids,
                r => stored[r.GetString(0)] = (r.GetString(1), Convert.ToInt64(r.GetValue(2), CultureInfo.InvariantCulture) != 0, (int)Convert.ToInt64(r.GetValue(3), CultureInfo.InvariantCulture)));
            var rows = new List<(Offer, string)>(batch.Count);
            int created = 0, unchanged = 0;
            for (var i = 0; i < batch.Count; i++)
            {
                var o = batch[i];
                if (!stored.TryGetValue(o.Id, out var row)) { created++; changed.Add((o, 0)); rows.Add((o, documents[i])); continue; }
                if (row.Held > o.Capacity)
                {
                    return Result<ImportCounts>.Conflict(
                        $"Line {lines[i]}, capacity: offer '{o.Id}' holds {row.Held} accepted or started matches; capacity cannot go below that. Nothing was imported.");
                }
                if (row.Deleted) created++;
                else if (row.Document == documents[i]) { unchanged++; continue; }
                changed.Add((o, row.Held));
                rows.Add((o, documents[i]));
            }
            offers.Upsert(c, t, rows);
            _writer.Changed(c, t, "offer", changed.Select(x => x.Offer.Id));
            var counts = new ImportCounts(created, changed.Count - created, unchanged);
            _writer.Audit(c, t, actor, "offers.imported", "batch", null, Detail(counts));
            return Result<ImportCounts>.Ok(counts);
        }, after: r =>
        {
            // The index learns the whole batch at once, after the commit, in its turn at the write gate; this instance's change
            // feed skips the batch's feed rows (other instances apply them).
            if (r.Outcome == Outcome.Ok && changed.Count > 0) store.Engine.UpsertMany(changed);
        });
        if (result.Outcome == Outcome.Ok) store.Telemetry.Imported(0, batch.Count);
        return result;
    }

    /// <summary>
    /// The canonical JSON each row stores, made once before the transaction (on every core: rows are independent): the
    /// comparison with the stored document and the upsert share it, and a retried transaction does not make it again.
    /// </summary>
    private static string[] Canonical<TModel, TDocument>(IReadOnlyList<TModel> batch, Func<TModel, TDocument> toDocument)
    {
        var documents = new string[batch.Count];
        if (batch.Count > 0) Parallel.ForEach(Partitioner.Create(0, batch.Count, 1024), range =>
        {
            for (var i = range.Item1; i < range.Item2; i++) documents[i] = JsonSerializer.Serialize(toDocument(batch[i]), DocumentJson.Options);
        });
        return documents;
    }

    private static string[] Ids<T>(IReadOnlyList<T> batch, Func<T, string> id)
    {
        var ids = new string[batch.Count];
        for (var i = 0; i < batch.Count; i++) ids[i] = id(batch[i]);
        return ids;
    }

    private static string Detail(ImportCounts counts) => $"created={counts.Created} updated={counts.Updated} unchanged={counts.Unchanged}";
}
