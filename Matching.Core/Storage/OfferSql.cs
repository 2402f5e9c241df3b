namespace Matching.Storage;

/// <summary>The SQL of offers, owned by <see cref="Service.OffersService"/>.</summary>
internal static class OfferSql
{
    /// <summary>The one create-or-replace of an offer (a PUT, an import and the demo seed alike); revives a deleted one.</summary>
    public const string Upsert =
        """
        INSERT INTO offers (id, document, kind, setting, place, capacity, deleted, created_at, updated_at, change_seq)
        VALUES (@Id, @Json, @Kind, @Setting, @Place, @Capacity, 0, @Now, @Now, @Seq)
        ON CONFLICT (id) DO UPDATE SET document = excluded.document, kind = excluded.kind, setting = excluded.setting,
            place = excluded.place, capacity = excluded.capacity, deleted = 0, updated_at = excluded.updated_at,
            change_seq = excluded.change_seq
        """;

    /// <summary>The places held on one offer (@offerId).</summary>
    public const string HeldPlaces = $"SELECT COUNT(*) FROM matches WHERE offer_id = @offerId AND {MatchSql.HoldsPlace}";

    /// <summary>The places held on an offer, as a column of a query over <c>offers o</c>.</summary>
    private const string Held = $"(SELECT COUNT(*) FROM matches WHERE offer_id = o.id AND {MatchSql.HoldsPlace})";

    /// <summary>Every live offer with its held places (to load the index).</summary>
    public const string AllWithHeld = $"SELECT o.id AS Id, o.document AS Document, {Held} AS Held FROM offers o WHERE o.deleted = 0";


    /// <summary>One live offer with its held places (a read of the resource).</summary>
    public const string LiveWithHeld = $"SELECT o.id AS Id, o.document AS Document, o.capacity AS Capacity, {Held} AS Held FROM offers o WHERE o.id = @id AND o.deleted = 0";

    /// <summary>Some live offers (@ids) with their held places (a page of the list).</summary>
    public const string ManyWithHeld = $"SELECT o.id AS Id, o.document AS Document, o.capacity AS Capacity, {Held} AS Held FROM offers o WHERE o.id IN @ids AND o.deleted = 0";

    /// <summary>The stored document of an offer (its version is this text's hash).</summary>
    public const string Document = "SELECT document FROM offers WHERE id = @id";

    /// <summary>Whether the offer is deleted (0, 1, or no row); append the provider's FOR UPDATE.</summary>
    public const string DeletedFlag = "SELECT deleted FROM offers WHERE id = @id";

    /// <summary>A live offer's capacity, or no row; append the provider's FOR UPDATE.</summary>
    public const string Capacity = "SELECT capacity FROM offers WHERE id = @id AND deleted = 0";

    public const string MarkDeleted = "UPDATE offers SET deleted = 1, updated_at = @now, change_seq = @seq WHERE id = @id";

    /// <summary>Some offers (@ids), live or deleted, with their stored document, capacity and held places (an import's comparison and capacity check; the change feed's reindex).</summary>
    public const string ManyForImport = $"SELECT o.id AS Id, o.document AS Document, o.deleted AS Deleted, {Held} AS Held FROM offers o WHERE o.id IN @ids";

    /// <summary>Offers written or deleted after @since, in change order.</summary>
    public const string ChangedSince =
        """
        SELECT id AS Id, change_seq AS ChangeSeq, updated_at AS UpdatedAt, CASE WHEN deleted = 0 THEN document END AS Document FROM offers
        WHERE change_seq > @since /*settled*/ ORDER BY change_seq LIMIT @limit
        """;
}
