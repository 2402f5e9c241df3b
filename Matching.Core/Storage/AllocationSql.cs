namespace Matching.Storage;

/// <summary>The SQL of allocation proposals, owned by <see cref="Service.AllocationsService"/>.</summary>
internal static class AllocationSql
{
    public const string Insert =
        """
        INSERT INTO assignments (id, mode, profile_name, profile_version, status, document, created_by, created_at)
        VALUES (@id, @mode, @name, @version, 'proposed', @json, @actor, @now)
        """;

    public const string ById = "SELECT document, status FROM assignments WHERE id = @id";
    public const string Confirm = "UPDATE assignments SET status = 'confirmed', confirmed_at = @now WHERE id = @id";
}
