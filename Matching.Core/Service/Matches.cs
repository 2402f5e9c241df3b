using Matching.Scoring;

namespace Matching.Service;

/// <summary>The lifecycle of a match: proposed → accepted → started → completed | stopped; declined before it starts.</summary>
public enum MatchStatus
{
    /// <summary>Suggested to the newcomer; holds no place.</summary>
    Proposed,
    /// <summary>Agreed; holds a place.</summary>
    Accepted,
    /// <summary>Under way; holds a place.</summary>
    Started,
    /// <summary>Done, with the hours done.</summary>
    Completed,
    /// <summary>Ended early, with hours done and a reason.</summary>
    Stopped,
    /// <summary>Not taken up, with a reason.</summary>
    Declined,
}

/// <summary>Why a match was stopped or declined: a fixed list, so that outcomes can be counted and learned from.</summary>
public enum EndReason
{
    /// <summary>The newcomer did not want it.</summary>
    NewcomerDeclined,
    /// <summary>The organisation did not want it.</summary>
    OfferDeclined,
    /// <summary>The newcomer found work.</summary>
    Work,
    /// <summary>The newcomer moved.</summary>
    Moved,
    /// <summary>Health.</summary>
    Health,
    /// <summary>Care for children or relatives.</summary>
    CareDuties,
    /// <summary>The times did not work.</summary>
    Schedule,
    /// <summary>Too far to travel.</summary>
    Distance,
    /// <summary>Lost interest.</summary>
    LostInterest,
    /// <summary>The Dutch was too hard.</summary>
    LanguageTooHard,
    /// <summary>The offer stopped.</summary>
    OfferEnded,
    /// <summary>The newcomer's data was erased.</summary>
    Erased,
    /// <summary>Another reason.</summary>
    Other,
}

/// <summary>A match as stored and returned. After erasure of the newcomer, <see cref="NewcomerId"/> is null: an anonymous outcome row.</summary>
/// <param name="Id">The match id.</param>
/// <param name="NewcomerId">The newcomer, or null once erased.</param>
/// <param name="OfferId">The offer.</param>
/// <param name="Status">The status (wire name).</param>
/// <param name="HoursDone">Hours done, for completed and stopped matches.</param>
/// <param name="Reason">The end reason (wire name) for stopped and declined matches.</param>
/// <param name="OverrideReason">Why a case worker matched despite a hard constraint, when they did.</param>
/// <param name="Score">The score when it was proposed (0 for an override).</param>
/// <param name="Profile">The profile the score was computed with.</param>
/// <param name="CreatedAt">When it was proposed.</param>
/// <param name="UpdatedAt">When it last changed.</param>
/// <param name="AcceptedAt">When it was accepted.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="EndedAt">When it was completed, stopped or declined.</param>
public sealed record MatchRecord(
    string Id, string? NewcomerId, string OfferId, string Status, int? HoursDone, string? Reason, string? OverrideReason,
    double? Score, ProfileRef? Profile, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? AcceptedAt,
    DateTimeOffset? StartedAt, DateTimeOffset? EndedAt);

/// <summary>The rules of the lifecycle.</summary>
internal static class MatchLifecycle
{
    /// <summary>Whether a match in this status holds a place of its offer.</summary>
    public static bool HoldsPlace(MatchStatus status) => status is MatchStatus.Accepted or MatchStatus.Started;

    /// <summary>Whether a match can move from one status to another.</summary>
    public static bool CanMove(MatchStatus from, MatchStatus to) => (from, to) switch
    {
        (MatchStatus.Proposed, MatchStatus.Accepted or MatchStatus.Declined) => true,
        (MatchStatus.Accepted, MatchStatus.Started or MatchStatus.Stopped or MatchStatus.Declined) => true,
        (MatchStatus.Started, MatchStatus.Completed or MatchStatus.Stopped) => true,
        _ => false,
    };
}
