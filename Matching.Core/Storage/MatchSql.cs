namespace Matching.Storage;

/// <summary>The SQL of matches, owned by <see cref="Service.MatchesService"/>; the other rooms use its fragments.</summary>
internal static class MatchSql
{
    /// <summary>
    /// THE definition of a match that holds a place of its offer (accepted or started), as a condition on the
    /// <c>matches</c> columns; agrees with <see cref="Service.MatchLifecycle.HoldsPlace"/> (tested). Columns are
    /// unqualified: use it where <c>status</c> can only mean <c>matches.status</c>.
    /// </summary>
    public const string HoldsPlace = "status IN ('accepted','started')";

    /// <summary>A match that is still open: proposed or holding a place.</summary>
    public const string IsOpen = "status IN ('proposed','accepted','started')";

    /// <summary>The offers on which one newcomer (@id) holds a place.</summary>
    public const string OffersHeldByNewcomer = $"SELECT DISTINCT offer_id FROM matches WHERE newcomer_id = @id AND {HoldsPlace}";

    /// <summary>Open matches of one pair.</summary>
    public const string OpenOfPair = $"SELECT COUNT(*) FROM matches WHERE newcomer_id = @newcomerId AND offer_id = @offerId AND {IsOpen}";

    public const string ById = "SELECT * FROM matches WHERE id = @id";

    /// <summary>One newcomer's (@id) matches, the newest first.</summary>
    public const string ByNewcomer = "SELECT * FROM matches WHERE newcomer_id = @id ORDER BY created_at DESC, id";

    public const string InsertProposed =
        """
        INSERT INTO matches (id, newcomer_id, offer_id, status, override_reason, score, profile_name, profile_version, created_by, created_at, updated_at)
        VALUES (@id, @newcomerId, @offerId, 'proposed', @overrideReason, @score, @name, @version, @actor, @now, @now)
        """;

    public const string InsertAccepted =
        """
        INSERT INTO matches (id, newcomer_id, offer_id, status, score, profile_name, profile_version, created_by, created_at, updated_at, accepted_at)
        VALUES (@id, @newcomerId, @offerId, 'accepted', @score, @name, @version, @actor, @now, @now, @now)
        """;

    public const string Move =
        """
        UPDATE matches SET status = @status, hours_done = COALESCE(@hoursDone, hours_done), reason = @reason, updated_at = @now,
            accepted_at = CASE WHEN @status = 'accepted' THEN @now ELSE accepted_at END,
            started_at = CASE WHEN @status = 'started' THEN @now ELSE started_at END,
            ended_at = CASE WHEN @status IN ('completed','stopped','declined') THEN @now ELSE ended_at END
        WHERE id = @id
        """;

    /// <summary>Ends the open matches of an erased newcomer: proposals declined, the others stopped, reason erased.</summary>
    public const string EndForErasure =
        $"""
        UPDATE matches SET status = CASE WHEN status = 'proposed' THEN 'declined' ELSE 'stopped' END,
                           reason = 'erased', updated_at = @now, ended_at = @now
        WHERE newcomer_id = @id AND {IsOpen}
        """;

    /// <summary>The newcomers with a proposal on an offer (@id): their open matches change when it is deleted.</summary>
    public const string ProposedOnOffer = "SELECT DISTINCT newcomer_id FROM matches WHERE offer_id = @id AND status = 'proposed' AND newcomer_id IS NOT NULL";

    /// <summary>Declines the proposals on an offer that is deleted.</summary>
    public const string DeclineProposalsOnOffer =
        "UPDATE matches SET status = 'declined', reason = 'offerEnded', updated_at = @now, ended_at = @now WHERE offer_id = @id AND status = 'proposed'";
}
