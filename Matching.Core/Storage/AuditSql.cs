namespace Matching.Storage;

/// <summary>The SQL of the audit trail: rows written by every write, read by <see cref="Service.AuditService"/>.</summary>
internal static class AuditSql
{
    public const string Insert =
        "INSERT INTO audit (at, actor, action, subject_type, subject_id, detail) VALUES (@at, @actor, @action, @subjectType, @subjectId, @detail)";

    /// <summary>Removes an erased subject's id (and the details that may name it) from earlier rows.</summary>
    public const string Anonymise = "UPDATE audit SET subject_id = NULL, detail = NULL WHERE subject_type = @subjectType AND subject_id = @id";

    public const string Newest =
        """
        SELECT id AS Id, at AS At, actor AS Actor, action AS Action, subject_type AS SubjectType, subject_id AS SubjectId, detail AS Detail
        FROM audit WHERE (@beforeId IS NULL OR id < @beforeId) ORDER BY id DESC LIMIT @limit
        """;
}
