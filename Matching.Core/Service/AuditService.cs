using System.Data;
using System.Data.Common;
using Dapper;
using Matching.Storage;

namespace Matching.Service;

/// <summary>One audit row: who (the API key's name), what (action and ids) and when; never a personal attribute.</summary>
/// <param name="Id">Sequence number.</param>
/// <param name="At">When (UTC, ISO 8601).</param>
/// <param name="Actor">The API key's name.</param>
/// <param name="Action">What was done, e.g. <c>match.accepted</c>.</param>
/// <param name="SubjectType">newcomer, offer, match or profile.</param>
/// <param name="SubjectId">The id, or null once a newcomer is erased.</param>
/// <param name="Detail">Ids and codes only.</param>
public sealed record AuditEntry(long Id, string At, string Actor, string Action, string SubjectType, string? SubjectId, string? Detail);

/// <summary>The audit trail, read newest first; every write of every room appends its row in its own transaction.</summary>
/// <remarks>Thread-safe.</remarks>
public sealed class AuditService(MatchingStore store)
{
    /// <summary>The newest audit rows, newest first.</summary>
    public IReadOnlyList<AuditEntry> Read(int limit, long? beforeId = null) =>
        store.Writer.Read(c => c.Query<AuditEntry>(AuditSql.Newest, new { limit, beforeId }).ToList());

    /// <summary>Removes an erased subject's id from earlier rows, inside the erasing write.</summary>
    internal static void Anonymise(DbConnection c, IDbTransaction t, string subjectType, string id) =>
        c.Execute(AuditSql.Anonymise, new { subjectType, id }, t);
}
