using System.Data;
using System.Data.Common;
using System.Globalization;
using Dapper;
using Matching.Model;
using Matching.Scoring;
using Matching.Storage;
using Matching.Validation;

namespace Matching.Service;

/// <summary>
/// Matches: proposing a pair (with an audited override of a hard constraint), reading one, and moving it along its
/// lifecycle; accepting holds a place and never overbooks, whatever instance accepts.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed class MatchesService(MatchingStore store, NewcomersService newcomers, OffersService offers, WeightProfilesService profiles)
{
    private readonly WriteContext _writer = store.Writer;

    /// <summary>
    /// Proposes a match. A pair that breaks a hard constraint needs an override reason, which is stored and audited;
    /// a second open match of the same pair is a conflict.
    /// </summary>
    /// <remarks>
    /// The ids and the reason's wording (1..500 characters, not blank) are validated once, where the request is read
    /// (the API's MatchesEndpoints); here they are trusted.
    /// </remarks>
    public Result<MatchRecord> Create(string newcomerId, string offerId, string? overrideReason, string? profileName, string actor)
    {
        var profile = profiles.Resolve(profileName);
        if (profile is null) return Result<MatchRecord>.Invalid("profile", $"No weight profile '{profileName}'.");
        var newcomer = newcomers.LoadStored(newcomerId); // the database's: a proposal reads what every instance acknowledged
        if (newcomer is null) return Result<MatchRecord>.NotFound($"No newcomer '{newcomerId}'.");
        var evaluation = store.Engine.Evaluate(newcomer, offerId, profile, withReasons: false); // only the score and the exclusion are stored
        if (evaluation is null) return Result<MatchRecord>.NotFound($"No offer '{offerId}'.");
        if (evaluation.Excluded is not null && overrideReason is null)
        {
            return store.Telemetry.Refused("match.propose", "excluded", Result<MatchRecord>.Conflict(
                $"The pair breaks the hard constraint '{evaluation.Excluded}'. A case worker may still match it with \"override\": {{ \"reason\": \"…\" }}."));
        }
        try
        {
            var created = Insert("m-" + Guid.NewGuid().ToString("N"), newcomerId, offerId, overrideReason, profile, evaluation, actor);
            if (created.Outcome == Outcome.Created) store.Telemetry.Moved("none", "proposed");
            return created;
        }
        catch (DbException e) when (IsUniqueViolation(e))
        {
            // Another instance proposed the same pair between our check and our insert.
            return store.Telemetry.Refused("match.propose", "duplicate", Result<MatchRecord>.Conflict("This newcomer already has an open match on this offer."));
        }
    }

    private Result<MatchRecord> Insert(string id, string newcomerId, string offerId, string? overrideReason,
        WeightProfile profile, PairEvaluation evaluation, string actor)
    {
        NewcomersService.MatchStateRow state = new();
        return _writer.Write((c, t) =>
        {
            _writer.LockNewcomers(c, t, [newcomerId]);
            if (c.ExecuteScalar<long>(MatchSql.OpenOfPair, new { newcomerId, offerId }, t) > 0)
            {
                return store.Telemetry.Refused("match.propose", "duplicate", Result<MatchRecord>.Conflict("This newcomer already has an open match on this offer."));
            }
            c.Execute(MatchSql.InsertProposed,
                new { id, newcomerId, offerId, overrideReason, score = evaluation.Score, name = profile.Name, version = profile.Version, actor, now = _writer.Now() }, t);
            _writer.Audit(c, t, actor, "match.proposed", "match", id, $"offer={offerId}");
            if (evaluation.Excluded is not null) _writer.Audit(c, t, actor, "match.override", "match", id, $"constraint={evaluation.Excluded}");
            _writer.Changed(c, t, "newcomer", newcomerId);
            state = NewcomersService.MatchState(c, t, newcomerId);
            return Result<MatchRecord>.Created(Read(c, t, id)!);
        }, after: r => { if (r.Outcome == Outcome.Created) store.Newcomers.SetMatchState(newcomerId, (int)state.Held, (int)state.Open); });
    }

    /// <summary>SQLite's SQLITE_CONSTRAINT_UNIQUE (2067) or PostgreSQL's unique_violation (23505).</summary>
    private static bool IsUniqueViolation(DbException e) =>
        e.SqlState == "23505" || (e is Microsoft.Data.Sqlite.SqliteException sqlite && sqlite.SqliteExtendedErrorCode == 2067);

    /// <summary>A match's ETag: a hash of its stored state (every move changes its status and time).</summary>
    public static string TagOf(MatchRecord match) => ETags.Of(System.Text.Json.JsonSerializer.Serialize(match, Matching.Contracts.DocumentJson.Options));

    /// <summary>A match, or null.</summary>
    public MatchRecord? Get(string id) => _writer.Read(c => Read(c, null, id));

    /// <summary>One newcomer's matches in every state, the newest first (the page's case-worker screen).</summary>
    internal IReadOnlyList<MatchRecord> OfNewcomer(string newcomerId) =>
        _writer.Read(c => c.Query<MatchRow>(MatchSql.ByNewcomer, new { id = newcomerId }).Select(r => r.ToRecord()).ToList());

    /// <summary>
    /// Moves a match along its lifecycle. Accepting holds a place: a conflict when the offer is full (under any
    /// concurrency exactly <c>capacity</c> accepts succeed). Completed needs the hours; stopped and declined a reason.
    /// </summary>
    /// <remarks>
    /// The words (status, reason) and the range of the hours are parsed once where the request is read (the API's
    /// MatchesEndpoints); here only the lifecycle's rules on which target needs what.
    /// </remarks>
    /// <remarks>ifMatch, the caller's If-Match (null: none), is checked against the stored version inside the write.</remarks>
    public Result<MatchRecord> Move(string id, MatchStatus to, int? hoursDone, EndReason? endReason, string actor, string? ifMatch = null)
    {
        var errors = new ValidationErrors();
        if (to == MatchStatus.Completed && hoursDone is null) errors.Add("hoursDone", "Required when completing a match.");
        if (to is MatchStatus.Stopped or MatchStatus.Declined && endReason is null) errors.Add("reason", "Required when stopping or declining a match.");
        if (to is not (MatchStatus.Completed or MatchStatus.Stopped) && hoursDone is not null) errors.Add("hoursDone", "Only for completed or stopped matches.");
        if (to is not (MatchStatus.Stopped or MatchStatus.Declined) && endReason is not null) errors.Add("reason", "Only for stopped or declined matches.");
        if (!errors.IsEmpty) return Result<MatchRecord>.Invalid(errors);

        string? offerId = null, fromStatus = null;
        var held = 0;
        NewcomersService.MatchStateRow state = new();
        return _writer.Write((c, t) =>
        {
            var current = c.QuerySingleOrDefault<MatchRow>(MatchSql.ById + _writer.ForUpdate, new { id }, t)?.ToRecord();
            if (current is null) return Result<MatchRecord>.NotFound($"No match '{id}'.");
            if (!ETags.Allows(ifMatch, TagOf(current))) return store.Telemetry.Refused("match.move", "stale", Result<MatchRecord>.Stale());
            WireNames.TryParse<MatchStatus>(current.Status, out var from);
            if (!MatchLifecycle.CanMove(from, to)) return store.Telemetry.Refused("match.move", "illegal_transition", Result<MatchRecord>.Conflict($"A {current.Status} match cannot become {WireNames.Of(to)}."));
            fromStatus = current.Status;
            offerId = current.OfferId;
            // The newcomer's match state and the offer's places are applied after the commit: their rows are locked first.
            if (current.NewcomerId is { } whose) _writer.LockNewcomers(c, t, [whose]);
            _writer.LockOffers(c, t, [offerId]);
            if (MatchLifecycle.HoldsPlace(to) && !MatchLifecycle.HoldsPlace(from))
            {
                var capacity = offers.LockCapacity(c, t, offerId);
                if (capacity is null) return store.Telemetry.Refused("match.move", "offer_gone", Result<MatchRecord>.Conflict("The offer no longer exists."));
                if (OffersService.HeldPlaces(c, t, offerId) >= capacity) return store.Telemetry.Refused("match.move", "full", Result<MatchRecord>.Conflict("The offer is full: no place is free."));
            }
            c.Execute(MatchSql.Move,
                new { id, status = WireNames.Of(to), hoursDone, reason = endReason is null ? null : WireNames.Of(endReason.Value), now = _writer.Now() }, t);
            _writer.Audit(c, t, actor, "match." + WireNames.Of(to), "match", id);
            _writer.Changed(c, t, "offer", offerId);
            held = OffersService.HeldPlaces(c, t, offerId);
            if (current.NewcomerId is { } newcomerId)
            {
                _writer.Changed(c, t, "newcomer", newcomerId);
                state = NewcomersService.MatchState(c, t, newcomerId);
            }
            var moved = Read(c, t, id)!;
            return Result<MatchRecord>.Ok(moved) with { Tag = TagOf(moved) };
        }, after: r =>
        {
            if (r.Outcome != Outcome.Ok) return;
            store.Engine.SetHeld(offerId!, held);
            if (r.Value!.NewcomerId is { } newcomerId) store.Newcomers.SetMatchState(newcomerId, (int)state.Held, (int)state.Open);
            store.Telemetry.Moved(fromStatus!, WireNames.Of(to));
        });
    }

    /// <summary>Inserts an accepted match inside a write (a confirmed allocation); the database refuses it past capacity.</summary>
    internal static MatchRecord InsertAccepted(DbConnection c, IDbTransaction t, string newcomerId, string offerId, double score, ProfileRef profile, string actor, string now)
    {
        var id = "m-" + Guid.NewGuid().ToString("N");
        c.Execute(MatchSql.InsertAccepted, new { id, newcomerId, offerId, score, name = profile.Name, version = profile.Version, actor, now }, t);
        return Read(c, t, id)!;
    }

    /// <summary>Ends an erased newcomer's open matches inside a write; returns the offers on which places were freed.</summary>
    internal static IReadOnlyList<string> EndForErasure(DbConnection c, IDbTransaction t, string newcomerId, string now)
    {
        var offerIds = c.Query<string>(MatchSql.OffersHeldByNewcomer, new { id = newcomerId }, t).ToList();
        c.Execute(MatchSql.EndForErasure, new { id = newcomerId, now }, t);
        return offerIds;
    }

    /// <summary>Declines the open proposals on an offer that is being deleted, inside its write; returns the newcomers whose proposals these were.</summary>
    internal static IReadOnlyList<string> DeclineProposalsOn(DbConnection c, IDbTransaction t, string offerId, string now)
    {
        var newcomerIds = c.Query<string>(MatchSql.ProposedOnOffer, new { id = offerId }, t).ToList();
        c.Execute(MatchSql.DeclineProposalsOnOffer, new { id = offerId, now }, t);
        return newcomerIds;
    }

    private static MatchRecord? Read(DbConnection c, IDbTransaction? t, string id) =>
        c.QuerySingleOrDefault<MatchRow>(MatchSql.ById, new { id }, t)?.ToRecord();

    private sealed class MatchRow
    {
        public string id { get; set; } = "";
        public string? newcomer_id { get; set; }
        public string offer_id { get; set; } = "";
        public string status { get; set; } = "";
        public long? hours_done { get; set; }
        public string? reason { get; set; }
        public string? override_reason { get; set; }
        public double? score { get; set; }
        public string? profile_name { get; set; }
        public long? profile_version { get; set; }
        public string created_at { get; set; } = "";
        public string updated_at { get; set; } = "";
        public string? accepted_at { get; set; }
        public string? started_at { get; set; }
        public string? ended_at { get; set; }

        public MatchRecord ToRecord() => new(id, newcomer_id, offer_id, status, (int?)hours_done, reason, override_reason, score,
            profile_name is null ? null : new ProfileRef(profile_name, (int)(profile_version ?? 1)),
            Parse(created_at), Parse(updated_at), ParseOrNull(accepted_at), ParseOrNull(started_at), ParseOrNull(ended_at));

        private static DateTimeOffset Parse(string s) => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        private static DateTimeOffset? ParseOrNull(string? s) => s is null ? null : Parse(s);
    }
}
