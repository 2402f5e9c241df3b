namespace Matching.Data;

/// <summary>How a past match ended.</summary>
public enum HistoryOutcome : byte
{
    /// <summary>The newcomer did all the offer's hours (40 for most offers).</summary>
    Completed = 0,
    /// <summary>The newcomer stopped before the end, with some hours done and a reason.</summary>
    Stopped = 1,
}

/// <summary>Why a newcomer stopped early. The list is fixed so that analysts can count reasons across sources.</summary>
public enum StopReason : byte
{
    /// <summary>Found work (a good reason to stop).</summary>
    Work = 0,
    /// <summary>Moved house.</summary>
    Moved = 1,
    /// <summary>Illness or health.</summary>
    Health = 2,
    /// <summary>Care for children or family.</summary>
    CareDuties = 3,
    /// <summary>The hours did not fit the week.</summary>
    Schedule = 4,
    /// <summary>Too far to travel.</summary>
    Distance = 5,
    /// <summary>No longer interested.</summary>
    LostInterest = 6,
    /// <summary>The Dutch was too hard.</summary>
    LanguageTooHard = 7,
    /// <summary>Anything else.</summary>
    Other = 8,
}

/// <summary>
/// One past match and its outcome: only the facts. The features of the pair (distance, overlap, …) are derived by
/// whoever reads it from the newcomer and offer it names, so that the history cannot disagree with them.
/// </summary>
public sealed record HistoryRecord
{
    /// <summary>The match's id.</summary>
    public required string MatchId { get; init; }
    /// <summary>The newcomer's id.</summary>
    public required string NewcomerId { get; init; }
    /// <summary>The offer's id.</summary>
    public required string OfferId { get; init; }
    /// <summary>The day the case worker proposed the match.</summary>
    public required DateOnly ProposedOn { get; init; }
    /// <summary>Completed or stopped.</summary>
    public required HistoryOutcome Outcome { get; init; }
    /// <summary>Whole hours done: the offer's hours when completed, fewer when stopped.</summary>
    public required int HoursDone { get; init; }
    /// <summary>Why it stopped; null when completed.</summary>
    public StopReason? StopReason { get; init; }
}
