namespace Matching.Storage;

/// <summary>The SQL of place prices, owned by <see cref="Service.ScarcityService"/>.</summary>
internal static class ScarcitySql
{
    public const string Insert =
        """
        INSERT INTO place_prices (id, computed_at, computed_by, inputs, prices)
        VALUES (@id, @at, @actor, @inputs, @prices)
        """;

    /// <summary>The current prices: the latest computation (ties by id, so that every instance picks the same row).</summary>
    public const string LatestId = "SELECT id FROM place_prices ORDER BY computed_at DESC, id DESC LIMIT 1";

    public const string ById = "SELECT id, computed_at, computed_by, inputs, prices FROM place_prices WHERE id = @id";

    /// <summary>
    /// The recent arrivals the future is sampled from: the newcomers who reached the fourth pillar since a moment — created
    /// since @since and started by @today, or created before and starting from @sinceDay to @today (the indexed column).
    /// </summary>
    public const string ReachedPillarSince =
        """
        SELECT id, document FROM newcomers WHERE created_at >= @since AND (trajectory_start IS NULL OR trajectory_start <= @today)
        UNION ALL
        SELECT id, document FROM newcomers WHERE created_at < @since AND trajectory_start >= @sinceDay AND trajectory_start <= @today
        ORDER BY id
        """;

    /// <summary>
    /// The registered intakes: newcomers whose trajectory starts after @today and by @until (the indexed column), holding
    /// no place yet.
    /// </summary>
    public const string StartingBetween =
        $"""
        SELECT n.id, n.document FROM newcomers n
        WHERE n.trajectory_start > @today AND n.trajectory_start <= @until
          AND NOT EXISTS (SELECT 1 FROM matches WHERE newcomer_id = n.id AND {MatchSql.HoldsPlace})
        ORDER BY n.id
        """;
}
