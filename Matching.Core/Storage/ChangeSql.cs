namespace Matching.Storage;

/// <summary>The SQL of the change feed: rows written by every index-changing write, read by <see cref="Service.ChangeFeed"/>.</summary>
internal static class ChangeSql
{
    /// <summary>Appends a row and returns its number (the writing instance skips its own rows when it reads the feed).</summary>
    public const string Insert = "INSERT INTO changes (at, subject_type, subject_id) VALUES (@at, @subjectType, @subjectId) RETURNING seq";
    public const string Last = "SELECT MAX(seq) FROM changes";
    public const string Since = "SELECT seq, subject_type, subject_id FROM changes WHERE seq > @since ORDER BY seq";
    /// <summary>Deletes the feed rows that name a newcomer (at erasure: no row may keep the id).</summary>
    public const string ForgetNewcomer = "DELETE FROM changes WHERE subject_type = 'newcomer' AND subject_id = @id";
    public const string Prune = "DELETE FROM changes WHERE at < @cutoff";

    /// <summary>Takes @n numbers of the reconciliation counter and returns the last; its row stays locked until commit.</summary>
    public const string TakeSeqs = "UPDATE change_counter SET value = value + @n WHERE id = 1 RETURNING value";

    public const string PruneErasures = "DELETE FROM erasures WHERE at < @cutoff";
}
