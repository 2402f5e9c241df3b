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

    /// <summary>Newcomers created since a moment: the recent arrivals the future is sampled from.</summary>
    public const string NewcomersCreatedSince = "SELECT id, document FROM newcomers WHERE created_at >= @since ORDER BY id";
}
