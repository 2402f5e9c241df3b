using Dapper;
using Matching.Storage;

namespace Matching.Service;

/// <summary>
/// Keeps this instance's in-memory state (the offer index, the newcomer index, the profile cache) current with the
/// writes of other instances on the same database, through the change feed every index-changing write appends to.
/// </summary>
/// <remarks>Thread-safe: applying runs in a turn of its own at the write gate, after every local write that took its turn
/// before (see <see cref="WriteContext"/>), so the index still sees changes in order.</remarks>
public sealed class ChangeFeed(MatchingStore store, OffersService offers, WeightProfilesService profiles, NewcomersService newcomers)
{
    /// <summary>An import of more newcomers than this appends one <see cref="AllNewcomers"/> row instead of one row each.</summary>
    internal const int LargeBatch = 1000;
    /// <summary>The subject type of a row that asks every instance to reload all newcomers.</summary>
    internal const string AllNewcomers = "newcomers";
    /// <summary>The subject id of an <see cref="AllNewcomers"/> row that says only that a newcomer was erased (the id is not kept).</summary>
    internal const string Erased = "erased";

    private const long Window = 1000;
    private readonly WriteContext _writer = store.Writer;
    private readonly HashSet<long> _applied = [];
    private long _last;

    /// <summary>Whether the offer index this feed keeps current is loaded.</summary>
    public bool IndexLoaded => store.IndexLoaded;

    /// <summary>
    /// Catches up with writes of other instances on the same database: reloads every offer, newcomer and profile named
    /// in the change feed since the last call by another instance. This instance's own rows are skipped: each write
    /// applied itself to the indexes after its commit, inside the same gate (re-applying an import of 50,000 offers
    /// used to hold the gate for seconds). Feed rows may commit out of sequence order (PostgreSQL hands out numbers
    /// before commit), so a window of recent rows is read again and only rows not yet applied are applied; applying
    /// reloads the current state, so applying twice is harmless.
    /// </summary>
    /// <returns>How many changes of other instances were applied.</returns>
    public int SyncChanges()
    {
        var reloadNewcomers = false;
        var applied = _writer.Gated(() => Apply(out reloadNewcomers));
        // A full reload of the newcomers is built outside the gate (seconds at scale) and swapped in inside it.
        if (reloadNewcomers) newcomers.LoadIndex();
        return applied;
    }

    private int Apply(out bool reloadNewcomers)
    {
        reloadNewcomers = false;
        var since = Math.Max(0, _last - Window);
        var (until, rows) = _writer.Read(c =>
        {
            // The end first, then the rows up to it: a row committed in between is read by the next call.
            var until = c.ExecuteScalar<long?>(ChangeSql.Last) ?? 0;
            return (until, c.Query<(long Seq, string SubjectType, string SubjectId)>(ChangeSql.OthersSince, new { since, until, origin = _writer.Origin }).ToList());
        });
        // The end moves past this instance's own rows even when there is nothing else to apply.
        _last = Math.Max(_last, until);
        var pending = rows.Where(r => !_applied.Contains(r.Seq)).ToList();
        if (pending.Count == 0) return 0;
        // One query per chunk of offers, not one per offer, and one re-layout of the index for all of them.
        offers.Reindex(pending.Where(r => r.SubjectType == "offer").Select(r => r.SubjectId).Distinct(StringComparer.Ordinal).ToList());
        if (pending.Any(r => r.SubjectType == AllNewcomers && r.SubjectId != Erased)) reloadNewcomers = true;
        else
        {
            // The same for newcomers: one query per chunk.
            newcomers.Reindex(pending.Where(r => r.SubjectType == "newcomer").Select(r => r.SubjectId).Distinct(StringComparer.Ordinal).ToList());
            if (pending.Any(r => r.SubjectType == AllNewcomers)) newcomers.DropErased();
        }
        foreach (var name in pending.Where(r => r.SubjectType == "profile").Select(r => r.SubjectId).Distinct(StringComparer.Ordinal))
        {
            profiles.Forget(name);
        }
        foreach (var r in pending) _applied.Add(r.Seq);
        _applied.RemoveWhere(seq => seq <= _last - Window);
        return pending.Count;
    }

    /// <summary>How long an erased newcomer's tombstone (its id only) stays in the reconciliation list: 30 days.</summary>
    public static readonly TimeSpan ErasureRetention = TimeSpan.FromDays(30);

    /// <summary>Deletes change-feed rows older than <paramref name="age"/>; every instance has long applied them.</summary>
    public int PruneChanges(TimeSpan age)
    {
        var cutoff = WriteContext.Stamp(_writer.Time.GetUtcNow().Subtract(age));
        // Erasure tombstones (an id and a number, nothing else) live longer than the feed, so that a client
        // reconciling weekly still learns of an erasure; one further behind resyncs in full.
        var erasures = WriteContext.Stamp(_writer.Time.GetUtcNow().Subtract(age > ErasureRetention ? age : ErasureRetention));
        return _writer.Write((c, t) => c.Execute(ChangeSql.Prune, new { cutoff }, t) + c.Execute(ChangeSql.PruneErasures, new { cutoff = erasures }, t));
    }

    /// <summary>Starts reading the feed after its current end (at start, before the index is loaded).</summary>
    internal void StartAtEnd() => _writer.Gated(() => _last = _writer.Read(c => c.ExecuteScalar<long?>(ChangeSql.Last)) ?? 0);
}
