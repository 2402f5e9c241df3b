namespace Matching.Storage;

/// <summary>The SQL of weight profiles, owned by <see cref="Service.WeightProfilesService"/>.</summary>
internal static class ProfileSql
{
    public const string Document = "SELECT document FROM weight_profiles WHERE name = @name";
    public const string Version = "SELECT version FROM weight_profiles WHERE name = @name";
    public const string List = "SELECT name, version FROM weight_profiles ORDER BY name";

    public const string Upsert =
        """
        INSERT INTO weight_profiles (name, version, document, updated_at) VALUES (@name, @version, @json, @now)
        ON CONFLICT (name) DO UPDATE SET version = excluded.version, document = excluded.document, updated_at = excluded.updated_at
        """;
}
