namespace Matching.Storage;

/// <summary>The SQL of the change feed: rows written by every index-changing write, read by <see cref="Service.ChangeFeed"/>.</summary>
internal static class ChangeSql
{
    public const string Insert = "INSERT INTO changes (at, subject_type, subject_id) VALUES (@at, @subjectType, @subjectId)";
    public const string Last = "SELECT MAX(seq) FROM changes";
    public const string Since = "SELECT seq, subject_type, subject_id FROM changes WHERE seq > @since ORDER BY seq";
    /// <summary>Deletes the feed rows that name a newcomer (at erasure: no row may keep the id).</summary>
    public const string ForgetNewcomer = "DELETE FROM changes WHERE subject_type = 'newcomer' AND subject_id = @id";
    public const string Prune = "DELETE FROM changes WHERE at < @cutoff";
}
