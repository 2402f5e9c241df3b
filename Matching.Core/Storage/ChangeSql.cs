namespace Matching.Storage;

/// <summary>The SQL of the change feed: rows written by every index-changing write, read by <see cref="Service.ChangeFeed"/>.</summary>
internal static class ChangeSql
{
    /// <summary>One feed row; @origin is the writing process's <see cref="Service.WriteContext.Origin"/>.</summary>
    public const string Insert = "INSERT INTO changes (at, subject_type, subject_id, origin) VALUES (@at, @subjectType, @subjectId, @origin)";
    public const string Last = "SELECT MAX(seq) FROM changes";

    /// <summary>The rows after @since up to @until written by other processes than @origin (or before origins were kept).</summary>
    public const string OthersSince =
        "SELECT seq, subject_type, subject_id FROM changes WHERE seq > @since AND seq <= @until AND (origin IS NULL OR origin <> @origin) ORDER BY seq";

    /// <summary>Deletes the feed rows that name a newcomer (at erasure: no row may keep the id).</summary>
    public const string ForgetNewcomer = "DELETE FROM changes WHERE subject_type = 'newcomer' AND subject_id = @id";
    public const string Prune = "DELETE FROM changes WHERE at < @cutoff";

    /// <summary>Takes @n numbers of the reconciliation counter and returns the last; its row stays locked until commit.</summary>
    public const string TakeSeqs = "UPDATE change_counter SET value = value + @n WHERE id = 1 RETURNING value";

    /// <summary>Takes one number of the reconciliation counter (its row locked until commit); <see cref="LastSeq"/> reads it in the next statement.</summary>
    public const string TakeOneSeq = "UPDATE change_counter SET value = value + 1 WHERE id = 1";

    /// <summary>The counter's current value, as a scalar subquery inside a statement.</summary>
    public const string LastSeq = "(SELECT value FROM change_counter WHERE id = 1)";

    /// <summary>
    /// PostgreSQL: the reconciliation number of a write, from its transaction's id (in the high bits) and the row's
    /// ordinal within the transaction (@Ordinal, in the low 24 bits). No lock and no wait: transaction ids are handed out
    /// in order and never reused, and a reconciliation list reads only the numbers of transactions older than every
    /// one still running (<see cref="SettledPostgres"/>), so a number below the list's end is never committed later.
    /// </summary>
    public const string TransactionNumber = "((pg_current_xact_id()::text::bigint << 24) + @Ordinal)";

    /// <summary>Where a reconciliation query may limit itself to settled numbers (a no-op comment on SQLite).</summary>
    public const string Settled = "/*settled*/";

    /// <summary>PostgreSQL: only numbers of transactions older than the oldest still running (see <see cref="TransactionNumber"/>).</summary>
    public const string SettledPostgres = "AND change_seq < (pg_snapshot_xmin(pg_current_snapshot())::text::bigint << 24)";

    public const string PruneErasures = "DELETE FROM erasures WHERE at < @cutoff";
}
