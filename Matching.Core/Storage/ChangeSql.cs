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

    public const string PruneErasures = "DELETE FROM erasures WHERE at < @cutoff";
}
