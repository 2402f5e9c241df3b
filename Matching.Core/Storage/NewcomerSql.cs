namespace Matching.Storage;

/// <summary>The SQL of newcomers, owned by <see cref="Service.NewcomersService"/>.</summary>
internal static class NewcomerSql
{
    /// <summary>The one create-or-replace of a newcomer (a PUT, an import and the demo seed alike).</summary>
    public const string Upsert =
        """
        INSERT INTO newcomers (id, document, trajectory_start, trajectory_end, created_at, updated_at, change_seq) VALUES (@Id, @Json, @Start, @End, @Now, @Now, @Seq)
        ON CONFLICT (id) DO UPDATE SET document = excluded.document, trajectory_start = excluded.trajectory_start, trajectory_end = excluded.trajectory_end,
            updated_at = excluded.updated_at, change_seq = excluded.change_seq
        """;

    public const string Exists = "SELECT COUNT(*) FROM newcomers WHERE id = @id";

    public const string Document = "SELECT document FROM newcomers WHERE id = @id";

    public const string Delete = "DELETE FROM newcomers WHERE id = @id";

    /// <summary>The tombstone of an erasure: the id and the change number only.</summary>
    public const string Erased = "INSERT INTO erasures (change_seq, id, at) VALUES (@seq, @id, @now)";

    /// <summary>The stored documents of some newcomers (@ids), to tell an unchanged import row.</summary>
    public const string Documents = "SELECT id AS Id, document AS Document FROM newcomers WHERE id IN @ids";

    /// <summary>Newcomers and erasures written after @since, in change order (one statement: one snapshot).</summary>
    public const string ChangedSince =
        """
        SELECT id AS Id, change_seq AS ChangeSeq, updated_at AS UpdatedAt, document AS Document FROM newcomers WHERE change_seq > @since /*settled*/
        UNION ALL
        SELECT id, change_seq, at, NULL FROM erasures WHERE change_seq > @since /*settled*/
        ORDER BY 2 LIMIT @limit
        """;

    /// <summary>Newcomers holding no place, by id (the reverse ranking's and the gap report's population).</summary>
    public const string Unplaced =
        $"""
        SELECT n.id, n.document FROM newcomers n
        WHERE NOT EXISTS (SELECT 1 FROM matches WHERE newcomer_id = n.id AND {MatchSql.HoldsPlace})
        ORDER BY n.id
        """;

    /// <summary>Newcomers with no open match at all, by id (the default cohort of an allocation).</summary>
    public const string WithoutOpenMatch =
        $"""
        SELECT n.id, n.document FROM newcomers n
        WHERE NOT EXISTS (SELECT 1 FROM matches WHERE newcomer_id = n.id AND {MatchSql.IsOpen})
        ORDER BY n.id
        """;

    /// <summary>Places held by a newcomer, or no row when the newcomer does not exist.</summary>
    public const string PlacesHeld = $"SELECT (SELECT COUNT(*) FROM matches WHERE newcomer_id = n.id AND {MatchSql.HoldsPlace}) FROM newcomers n WHERE n.id = @id";

    public const string Count = "SELECT COUNT(*) FROM newcomers";

    /// <summary>Every newcomer's id.</summary>
    public const string Ids = "SELECT id FROM newcomers";

    /// <summary>Every newcomer's document (the newcomer index at start).</summary>
    public const string All = "SELECT id, document FROM newcomers";

    /// <summary>Places held and open matches of one newcomer (no row only when the newcomer has no open match).</summary>
    public const string MatchState =
        $"""
        SELECT newcomer_id AS Id, SUM(CASE WHEN {MatchSql.HoldsPlace} THEN 1 ELSE 0 END) AS Held, COUNT(*) AS Open
        FROM matches WHERE newcomer_id = @id AND {MatchSql.IsOpen} GROUP BY newcomer_id
        """;

    /// <summary>The same for every newcomer with an open match.</summary>
    public const string MatchStates =
        $"""
        SELECT newcomer_id AS Id, SUM(CASE WHEN {MatchSql.HoldsPlace} THEN 1 ELSE 0 END) AS Held, COUNT(*) AS Open
        FROM matches WHERE {MatchSql.IsOpen} GROUP BY newcomer_id
        """;

    /// <summary>The same for some newcomers (@ids) with an open match.</summary>
    public const string MatchStatesOf =
        $"""
        SELECT newcomer_id AS Id, SUM(CASE WHEN {MatchSql.HoldsPlace} THEN 1 ELSE 0 END) AS Held, COUNT(*) AS Open
        FROM matches WHERE newcomer_id IN @ids AND {MatchSql.IsOpen} GROUP BY newcomer_id
        """;

    public const string TrajectoryEndedBefore = "SELECT id FROM newcomers WHERE trajectory_end < @cutoff ORDER BY id";
}
