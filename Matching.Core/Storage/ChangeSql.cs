namespace Matching.Storage;

/// <summary>The SQL of the change feed: rows written by every index-changing write, read by <see cref="Service.ChangeFeed"/>.</summary>
internal static class ChangeSql
{
    public const string Insert = "INSERT INTO changes (at, subject_type, subject_id) VALUES (@at, @subjectType, @subjectId)";
    public const string Last = "SELECT MAX(seq) FROM changes";
    public const string Since = "SELECT seq, subject_type, subject_id FROM changes WHERE seq > @since ORDER BY seq";
    public const string Prune = "DELETE FROM changes WHERE at < @cutoff";

    /// <summary>Takes @n numbers of the reconciliation counter and returns the last; its row stays locked until commit.</summary>
    public const string TakeSeqs = "UPDATE change_counter SET value = value + @n WHERE id = 1 RETURNING value";

    public const string PruneErasures = "DELETE FROM erasures WHERE at < @cutoff";
}
