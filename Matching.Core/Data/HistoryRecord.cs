using Matching.Service;

namespace Matching.Data;

/// <summary>How a past match ended.</summary>
public enum HistoryOutcome : byte
{
    /// <summary>The newcomer did all the offer's hours (40 for most offers).</summary>
    Completed = 0,
    /// <summary>The newcomer stopped before the end, with some hours done and a reason.</summary>
    Stopped = 1,
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
    public EndReason? StopReason { get; init; }
}
