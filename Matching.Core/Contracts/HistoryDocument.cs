using Matching.Service;
using System.Globalization;
using Matching.Data;
using Matching.Model;
using Matching.Validation;

namespace Matching.Contracts;

/// <summary>A past match with its outcome on the wire (one line of history.jsonl).</summary>
internal sealed class HistoryDocument
{
    /// <summary>The match's id (required).</summary>
    public string? MatchId { get; set; }
    /// <summary>The newcomer's id (required).</summary>
    public string? NewcomerId { get; set; }
    /// <summary>The offer's id (required).</summary>
    public string? OfferId { get; set; }
    /// <summary>The day of the proposal, yyyy-MM-dd (required).</summary>
    public string? ProposedOn { get; set; }
    /// <summary>completed or stopped (required).</summary>
    public string? Outcome { get; set; }
    /// <summary>Whole hours done, 0..400 (required; at least 1 when completed).</summary>
    public int? HoursDone { get; set; }
    /// <summary>work, moved, health, careDuties, schedule, distance, lostInterest, languageTooHard or other; required when stopped, absent when completed.</summary>
    public string? StopReason { get; set; }
}

/// <summary>Validates history documents into records and back, naming the offending field of every error.</summary>
/// <remarks>Stateless and thread-safe.</remarks>
internal static class HistoryMapper
{
    /// <summary>The most hours a record may hold (the largest offer).</summary>
    public const int MaxHours = 400;

    /// <summary>Validates a document; null with errors when invalid.</summary>
    public static HistoryRecord? ToRecord(HistoryDocument? d, out ValidationErrors errors)
    {
        errors = new ValidationErrors();
        if (d is null) { errors.Add("", "A history object is required."); return null; }
        Id(d.MatchId, "matchId", errors);
        Id(d.NewcomerId, "newcomerId", errors);
        Id(d.OfferId, "offerId", errors);
        DateOnly proposed = default;
        if (d.ProposedOn is null) errors.Add("proposedOn", "Required: a date yyyy-MM-dd.");
        else if (!DateOnly.TryParseExact(d.ProposedOn, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out proposed))
        {
            errors.Add("proposedOn", $"'{d.ProposedOn}' is not a date yyyy-MM-dd.");
        }
        HistoryOutcome outcome = default;
        var outcomeKnown = false;
        if (d.Outcome is null) errors.Add("outcome", $"Required: one of {WireNames.List<HistoryOutcome>()}.");
        else if (!(outcomeKnown = WireNames.TryParse(d.Outcome, out outcome))) errors.Add("outcome", $"Unknown outcome '{d.Outcome}'; use one of {WireNames.List<HistoryOutcome>()}.");
        if (d.HoursDone is null) errors.Add("hoursDone", $"Required: whole hours 0..{MaxHours}.");
        else if (d.HoursDone is < 0 or > MaxHours) errors.Add("hoursDone", $"Must be between 0 and {MaxHours}.");
        else if (outcomeKnown && outcome == HistoryOutcome.Completed && d.HoursDone == 0) errors.Add("hoursDone", "A completed match has at least 1 hour done.");
        EndReason? reason = null;
        if (d.StopReason is not null)
        {
            if (!WireNames.TryParse<EndReason>(d.StopReason, out var r)) errors.Add("stopReason", $"Unknown reason '{d.StopReason}'; use one of {WireNames.List<EndReason>()}.");
            else if (outcomeKnown && outcome == HistoryOutcome.Completed) errors.Add("stopReason", "Only a stopped match has a reason.");
            else reason = r;
        }
        else if (outcomeKnown && outcome == HistoryOutcome.Stopped)
        {
            errors.Add("stopReason", $"Required when stopped: one of {WireNames.List<EndReason>()}.");
        }
        if (!errors.IsEmpty) return null;
        return new HistoryRecord
        {
            MatchId = d.MatchId!,
            NewcomerId = d.NewcomerId!,
            OfferId = d.OfferId!,
            ProposedOn = proposed,
            Outcome = outcome,
            HoursDone = d.HoursDone!.Value,
            StopReason = reason,
        };
    }

    /// <summary>The wire form of a record.</summary>
    public static HistoryDocument ToDocument(HistoryRecord r) => new()
    {
        MatchId = r.MatchId,
        NewcomerId = r.NewcomerId,
        OfferId = r.OfferId,
        ProposedOn = r.ProposedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        Outcome = WireNames.Of(r.Outcome),
        HoursDone = r.HoursDone,
        StopReason = r.StopReason is { } reason ? WireNames.Of(reason) : null,
    };

    private static void Id(string? id, string field, ValidationErrors errors)
    {
        if (id is null) errors.Add(field, "Required: 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' or '-'.");
        else if (!Identifiers.IsValid(id)) errors.Add(field, "Must be 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' or '-'.");
    }
}
