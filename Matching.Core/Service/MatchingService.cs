using System.Collections.Concurrent;
using System.Data;
using System.Globalization;
using System.Text.Json;
using Dapper;
using Matching.Allocation;
using Matching.Contracts;
using Matching.Geo;
using Matching.Model;
using Matching.Ranking;
using Matching.Scoring;
using Matching.Storage;
using Matching.Validation;
using System.Data.Common;

namespace Matching.Service;

/// <summary>A page of offers.</summary>
/// <param name="Items">The offers on this page.</param>
/// <param name="Page">1-based page number.</param>
/// <param name="PageSize">Items per page.</param>
/// <param name="Total">Offers matching the filter.</param>
public sealed record OfferPage(IReadOnlyList<OfferView> Items, int Page, int PageSize, int Total);

/// <summary>An offer with its places.</summary>
/// <param name="Offer">The stored fields, location resolved.</param>
/// <param name="PlacesTaken">Places held by accepted or started matches.</param>
/// <param name="PlacesFree">Capacity minus places taken.</param>
public sealed record OfferView(OfferDocument Offer, int PlacesTaken, int PlacesFree);

/// <summary>The filter of the offer list.</summary>
public sealed record OfferFilter
{
    /// <summary>Only this kind.</summary>
    public OfferKind? Kind { get; init; }
    /// <summary>Only this setting.</summary>
    public OfferSetting? Setting { get; init; }
    /// <summary>Only offers at this place (gazetteer name).</summary>
    public string? Place { get; init; }
    /// <summary>Only offers with a free place.</summary>
    public bool? HasPlaces { get; init; }
    /// <summary>1-based page (default 1).</summary>
    public int Page { get; init; } = 1;
    /// <summary>Items per page (1..100, default 20).</summary>
    public int PageSize { get; init; } = 20;
}

/// <summary>
/// The application core behind the API: validated writes to the database in one transaction each, with the audit
/// row, and the in-memory offer index kept current after every commit; ranking over stored or inline newcomers.
/// </summary>
/// <remarks>
/// Thread-safe. Writes of one process are serialised (SQLite has one writer anyway), so the index sees changes in
/// commit order; the database's triggers keep capacity even against other writers.
/// </remarks>
public sealed class MatchingService
{
    private readonly IMatchingDatabase _db;
    private readonly DocumentMapper _mapper;
    private readonly IGazetteer _gazetteer;
    private readonly TimeProvider _time;
    private readonly Lock _writeGate = new();
    private readonly ConcurrentDictionary<string, WeightProfile> _profiles = new(StringComparer.Ordinal);

    /// <summary>Creates the service; call <see cref="Start"/> before use.</summary>
    public MatchingService(IMatchingDatabase db, MatchingEngine engine, DocumentMapper mapper, IGazetteer gazetteer, TimeProvider time)
    {
        _db = db;
        _gazetteer = gazetteer;
        Engine = engine;
        _mapper = mapper;
        _time = time;
    }

    /// <summary>The ranking engine with its offer index.</summary>
    public MatchingEngine Engine { get; }

    /// <summary>Whether <see cref="Start"/> has loaded the index.</summary>
    public bool IndexLoaded { get; private set; }

    /// <summary>The database.</summary>
    public IMatchingDatabase Database => _db;

    /// <summary>Migrates the database, stores the shipped default profile when none is stored, and loads the offer index.</summary>
    public void Start(IEnumerable<WeightProfile>? extraProfiles = null)
    {
        _db.Migrate();
        // Read the feed's position before the index: a change committed in between is applied again, harmlessly.
        _lastChange = _db.Read(c => c.ExecuteScalar<long?>("SELECT MAX(seq) FROM changes")) ?? 0;
        if (GetProfile(WeightProfile.Default.Name) is null) PutProfile(WeightProfile.Default.ToDocument(), "system", keepVersion: true);
        foreach (var profile in extraProfiles ?? []) PutProfile(profile.ToDocument(), "system", keepVersion: true);
        var offers = _db.Read(c => c.Query<(string Id, string Document, long Held)>(
            """
            SELECT o.id, o.document,
                   (SELECT COUNT(*) FROM matches m WHERE m.offer_id = o.id AND m.status IN ('accepted','started'))
            FROM offers o WHERE o.deleted = 0
            """).ToList());
        Engine.UpsertMany(offers.Select(o => (ParseOffer(o.Id, o.Document), (int)o.Held)));
        IndexLoaded = true;
    }

    /// <summary>
    /// Stores many validated newcomers and offers in one transaction (an import or the demo seed): all or nothing.
    /// Existing ids are replaced; an offer's capacity below its held places fails the whole batch.
    /// </summary>
    public void Import(IReadOnlyCollection<Newcomer> newcomers, IReadOnlyCollection<Offer> offers, string actor)
    {
        var now = Now();
        var held = new Dictionary<string, int>(StringComparer.Ordinal);
        Write((c, t) =>
        {
            c.Execute(
                """
                INSERT INTO newcomers (id, document, trajectory_end, created_at, updated_at) VALUES (@Id, @Json, @End, @Now, @Now)
                ON CONFLICT (id) DO UPDATE SET document = excluded.document, trajectory_end = excluded.trajectory_end, updated_at = excluded.updated_at
                """,
                newcomers.Select(n => new
                {
                    n.Id,
                    Json = JsonSerializer.Serialize(DocumentMapper.ToDocument(n), DocumentJson.Options),
                    End = n.TrajectoryEnd?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    Now = now,
                }), t);
            c.Execute(
                """
                INSERT INTO offers (id, document, kind, setting, place, capacity, deleted, created_at, updated_at)
                VALUES (@Id, @Json, @Kind, @Setting, @Place, @Capacity, 0, @Now, @Now)
                ON CONFLICT (id) DO UPDATE SET document = excluded.document, kind = excluded.kind, setting = excluded.setting,
                    place = excluded.place, capacity = excluded.capacity, deleted = 0, updated_at = excluded.updated_at
                """,
                offers.Select(o => new
                {
                    o.Id,
                    Json = JsonSerializer.Serialize(DocumentMapper.ToDocument(o), DocumentJson.Options),
                    Kind = WireNames.Of(o.Kind),
                    Setting = WireNames.Of(o.Setting),
                    o.Location.Place,
                    o.Capacity,
                    Now = now,
                }), t);
            foreach (var o in offers)
            {
                held[o.Id] = HeldPlaces(c, t, o.Id);
                Changed(c, t, "offer", o.Id);
            }
            Audit(c, t, actor, "import", "batch", null, $"newcomers={newcomers.Count} offers={offers.Count}");
            return true;
        }, after: _ => Engine.UpsertMany(offers.Select(o => (o, held[o.Id]))));
    }

    // ---------------------------------------------------------------- other instances

    /// <summary>
    /// Catches up with writes of other instances on the same database: reloads every offer and profile named in the
    /// change feed since the last call. Feed rows may commit out of sequence order (PostgreSQL hands out numbers before
    /// commit), so a window of recent rows is read again and only rows not yet applied are applied; applying reloads
    /// the current state, so applying twice is harmless.
    /// </summary>
    /// <returns>How many changes were applied.</returns>
    public int SyncChanges()
    {
        lock (_writeGate)
        {
            var since = Math.Max(0, _lastChange - ChangeWindow);
            var rows = _db.Read(c => c.Query<(long Seq, string SubjectType, string SubjectId)>(
                "SELECT seq, subject_type, subject_id FROM changes WHERE seq > @since ORDER BY seq", new { since }).ToList());
            var pending = rows.Where(r => !_appliedChanges.Contains(r.Seq) && r.Seq > since).ToList();
            if (pending.Count == 0) return 0;
            foreach (var offerId in pending.Where(r => r.SubjectType == "offer").Select(r => r.SubjectId).Distinct(StringComparer.Ordinal))
            {
                var row = _db.Read(c => c.QuerySingleOrDefault<(string Document, long Deleted, long Held)>(
                    """
                    SELECT o.document, o.deleted,
                           (SELECT COUNT(*) FROM matches m WHERE m.offer_id = o.id AND m.status IN ('accepted','started'))
                    FROM offers o WHERE o.id = @offerId
                    """, new { offerId }));
                if (row.Document is null || row.Deleted != 0) Engine.Remove(offerId);
                else Engine.Upsert(ParseOffer(offerId, row.Document), (int)row.Held);
            }
            foreach (var name in pending.Where(r => r.SubjectType == "profile").Select(r => r.SubjectId).Distinct(StringComparer.Ordinal))
            {
                _profiles.TryRemove(name, out _);
            }
            foreach (var r in pending) _appliedChanges.Add(r.Seq);
            _lastChange = Math.Max(_lastChange, rows.Max(r => r.Seq));
            _appliedChanges.RemoveWhere(seq => seq <= _lastChange - ChangeWindow);
            return pending.Count;
        }
    }

    /// <summary>Deletes change-feed rows older than <paramref name="age"/>; every instance has long applied them.</summary>
    public int PruneChanges(TimeSpan age)
    {
        var cutoff = _time.GetUtcNow().Subtract(age).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        return Write((c, t) => c.Execute("DELETE FROM changes WHERE at < @cutoff", new { cutoff }, t));
    }

    private const long ChangeWindow = 1000;
    private long _lastChange;
    private readonly HashSet<long> _appliedChanges = [];

    // ---------------------------------------------------------------- newcomers

    /// <summary>Creates or replaces a newcomer.</summary>
    public Result<NewcomerDocument> PutNewcomer(string id, NewcomerDocument? document, string actor)
    {
        var newcomer = _mapper.ToNewcomer(id, document, out var errors);
        if (newcomer is null) return Result<NewcomerDocument>.Invalid(errors);
        var stored = DocumentMapper.ToDocument(newcomer);
        var json = JsonSerializer.Serialize(stored, DocumentJson.Options);
        var now = Now();
        var created = Write((c, t) =>
        {
            var existed = c.ExecuteScalar<long>("SELECT COUNT(*) FROM newcomers WHERE id = @id", new { id }, t) > 0;
            c.Execute(
                """
                INSERT INTO newcomers (id, document, trajectory_end, created_at, updated_at) VALUES (@id, @json, @end, @now, @now)
                ON CONFLICT (id) DO UPDATE SET document = excluded.document, trajectory_end = excluded.trajectory_end, updated_at = excluded.updated_at
                """, new { id, json, end = stored.TrajectoryEnd, now }, t);
            Audit(c, t, actor, existed ? "newcomer.updated" : "newcomer.created", "newcomer", id);
            return !existed;
        });
        return created ? Result<NewcomerDocument>.Created(stored) : Result<NewcomerDocument>.Ok(stored);
    }

    /// <summary>The stored newcomer, or null.</summary>
    public NewcomerDocument? GetNewcomer(string id)
    {
        var json = _db.Read(c => c.QuerySingleOrDefault<string>("SELECT document FROM newcomers WHERE id = @id", new { id }));
        return json is null ? null : JsonSerializer.Deserialize<NewcomerDocument>(json, DocumentJson.Options);
    }

    /// <summary>
    /// Erases a newcomer: the attributes are deleted, their matches become anonymous outcome rows (active ones are
    /// stopped with reason <c>erased</c>, freeing their places), and earlier audit rows lose the id.
    /// </summary>
    public bool EraseNewcomer(string id, string actor)
    {
        var freed = new List<(string OfferId, int Held)>();
        var erased = Write((c, t) =>
        {
            if (c.ExecuteScalar<long>("SELECT COUNT(*) FROM newcomers WHERE id = @id", new { id }, t) == 0) return false;
            var offers = c.Query<string>(
                "SELECT DISTINCT offer_id FROM matches WHERE newcomer_id = @id AND status IN ('accepted','started')", new { id }, t).ToList();
            var now = Now();
            c.Execute(
                """
                UPDATE matches SET status = CASE WHEN status = 'proposed' THEN 'declined' ELSE 'stopped' END,
                                   reason = 'erased', updated_at = @now, ended_at = @now
                WHERE newcomer_id = @id AND status IN ('proposed','accepted','started')
                """, new { id, now }, t);
            c.Execute("DELETE FROM newcomers WHERE id = @id", new { id }, t);
            c.Execute("UPDATE audit SET subject_id = NULL, detail = NULL WHERE subject_type = 'newcomer' AND subject_id = @id", new { id }, t);
            Audit(c, t, actor, "newcomer.erased", "newcomer", null);
            foreach (var offerId in offers)
            {
                freed.Add((offerId, HeldPlaces(c, t, offerId)));
                Changed(c, t, "offer", offerId);
            }
            return true;
        }, after: _ => { foreach (var (offerId, held) in freed) Engine.SetHeld(offerId, held); });
        return erased;
    }

    /// <summary>Streams every stored newcomer that holds no place yet (for the reverse ranking and the gap report).</summary>
    public IEnumerable<Newcomer> UnplacedNewcomers() => StreamNewcomers("'accepted','started'");

    /// <summary>Streams, ordered by id, the newcomers with no match in the given statuses (a fixed SQL list).</summary>
    private IEnumerable<Newcomer> StreamNewcomers(string statuses)
    {
        using var connection = _db.Open();
        var rows = connection.Query<(string Id, string Document)>(
            $"""
            SELECT n.id, n.document FROM newcomers n
            WHERE NOT EXISTS (SELECT 1 FROM matches m WHERE m.newcomer_id = n.id AND m.status IN ({statuses}))
            ORDER BY n.id
            """, buffered: false);
        foreach (var (id, json) in rows)
        {
            var newcomer = _mapper.ToNewcomer(id, JsonSerializer.Deserialize<NewcomerDocument>(json, DocumentJson.Options), out _);
            if (newcomer is not null) yield return newcomer;
        }
    }

    // ---------------------------------------------------------------- offers

    /// <summary>Creates or replaces an offer; a capacity below the places already held is a conflict.</summary>
    public Result<OfferView> PutOffer(string id, OfferDocument? document, string actor)
    {
        var offer = _mapper.ToOffer(id, document, out var errors);
        if (offer is null) return Result<OfferView>.Invalid(errors);
        var stored = DocumentMapper.ToDocument(offer);
        var json = JsonSerializer.Serialize(stored, DocumentJson.Options);
        var now = Now();
        var held = 0;
        var outcome = Write((c, t) =>
        {
            var existed = c.QuerySingleOrDefault<long?>("SELECT deleted FROM offers WHERE id = @id" + _db.ForUpdate, new { id }, t) == 0;
            held = HeldPlaces(c, t, id);
            if (held > offer.Capacity) return (Outcome?)null;
            c.Execute(
                """
                INSERT INTO offers (id, document, kind, setting, place, capacity, deleted, created_at, updated_at)
                VALUES (@id, @json, @kind, @setting, @place, @capacity, 0, @now, @now)
                ON CONFLICT (id) DO UPDATE SET document = excluded.document, kind = excluded.kind, setting = excluded.setting,
                    place = excluded.place, capacity = excluded.capacity, deleted = 0, updated_at = excluded.updated_at
                """,
                new { id, json, kind = stored.Kind, setting = stored.Setting, place = offer.Location.Place, capacity = offer.Capacity, now }, t);
            Audit(c, t, actor, existed ? "offer.updated" : "offer.created", "offer", id);
            Changed(c, t, "offer", id);
            return existed ? Outcome.Ok : Outcome.Created;
        }, after: o => { if (o is not null) Engine.Upsert(offer, held); });
        var view = new OfferView(stored, held, offer.Capacity - held);
        return outcome switch
        {
            null => Result<OfferView>.Conflict($"The offer holds {held} accepted or started matches; capacity cannot go below that."),
            Outcome.Created => Result<OfferView>.Created(view),
            _ => Result<OfferView>.Ok(view),
        };
    }

    /// <summary>The stored offer with its places, or null.</summary>
    public OfferView? GetOffer(string id)
    {
        if (Engine.GetOffer(id) is not { } indexed) return null;
        return new OfferView(DocumentMapper.ToDocument(indexed.Offer), indexed.Held, indexed.Offer.Capacity - indexed.Held);
    }

    /// <summary>Deletes an offer; a conflict while matches hold places on it. Its history stays.</summary>
    public Result<bool> DeleteOffer(string id, string actor)
    {
        var result = Write((c, t) =>
        {
            if (c.QuerySingleOrDefault<long?>("SELECT deleted FROM offers WHERE id = @id" + _db.ForUpdate, new { id }, t) != 0) return Result<bool>.NotFound($"No offer '{id}'.");
            if (HeldPlaces(c, t, id) > 0) return Result<bool>.Conflict("Matches hold places on this offer; stop or complete them first.");
            c.Execute("UPDATE matches SET status = 'declined', reason = 'offerEnded', updated_at = @now, ended_at = @now WHERE offer_id = @id AND status = 'proposed'",
                new { id, now = Now() }, t);
            c.Execute("UPDATE offers SET deleted = 1, updated_at = @now WHERE id = @id", new { id, now = Now() }, t);
            Audit(c, t, actor, "offer.deleted", "offer", id);
            Changed(c, t, "offer", id);
            return Result<bool>.Ok(true);
        }, after: r => { if (r.Outcome == Outcome.Ok) Engine.Remove(id); });
        return result;
    }

    /// <summary>A filtered page of offers, ordered by id.</summary>
    public OfferPage ListOffers(OfferFilter filter)
    {
        var all = Engine.Offers()
            .Where(o => filter.Kind is null || o.Offer.Kind == filter.Kind)
            .Where(o => filter.Setting is null || o.Offer.Setting == filter.Setting)
            .Where(o => filter.Place is null || string.Equals(o.Offer.Location.Place, filter.Place, StringComparison.Ordinal))
            .Where(o => filter.HasPlaces is null || (o.Offer.Capacity - o.Held > 0) == filter.HasPlaces)
            .OrderBy(o => o.Offer.Id, StringComparer.Ordinal)
            .ToList();
        var items = all.Skip((filter.Page - 1) * filter.PageSize).Take(filter.PageSize)
            .Select(o => new OfferView(DocumentMapper.ToDocument(o.Offer), o.Held, o.Offer.Capacity - o.Held))
            .ToList();
        return new OfferPage(items, filter.Page, filter.PageSize, all.Count);
    }

    // ---------------------------------------------------------------- ranking

    /// <summary>Ranked suggestions for a stored newcomer.</summary>
    public Result<SuggestionResult> SuggestFor(string newcomerId, RankingOptions options)
    {
        var newcomer = LoadNewcomer(newcomerId);
        return newcomer is null
            ? Result<SuggestionResult>.NotFound($"No newcomer '{newcomerId}'.")
            : Result<SuggestionResult>.Ok(Engine.Suggest(newcomer, options));
    }

    /// <summary>Ranked suggestions for a newcomer given inline; nothing is stored.</summary>
    public Result<SuggestionResult> SuggestInline(NewcomerDocument? document, RankingOptions options)
    {
        var id = string.IsNullOrEmpty(document?.Id) ? "inline" : document.Id;
        var newcomer = _mapper.ToNewcomer(id, document, out var errors);
        return newcomer is null ? Result<SuggestionResult>.Invalid(errors) : Result<SuggestionResult>.Ok(Engine.Suggest(newcomer, options));
    }

    /// <summary>The best unplaced newcomers for an offer.</summary>
    public Result<CandidateResult> Candidates(string offerId, RankingOptions options)
    {
        var result = Engine.Candidates(offerId, UnplacedNewcomers(), options);
        return result is null ? Result<CandidateResult>.NotFound($"No offer '{offerId}'.") : Result<CandidateResult>.Ok(result);
    }

    /// <summary>The stored newcomer as the engine's model, or null.</summary>
    public Newcomer? LoadNewcomer(string id)
    {
        var document = GetNewcomer(id);
        return document is null ? null : _mapper.ToNewcomer(id, document, out _);
    }

    // ---------------------------------------------------------------- matches

    /// <summary>
    /// Proposes a match. A pair that breaks a hard constraint needs an override reason, which is stored and audited;
    /// a second open match of the same pair is a conflict.
    /// </summary>
    public Result<MatchRecord> CreateMatch(string? newcomerId, string? offerId, string? overrideReason, string? profileName, string actor)
    {
        var errors = new ValidationErrors();
        if (!Identifiers.IsValid(newcomerId)) errors.Add("newcomerId", "Required: a valid id.");
        if (!Identifiers.IsValid(offerId)) errors.Add("offerId", "Required: a valid id.");
        if (overrideReason is { Length: > 500 } || (overrideReason is not null && string.IsNullOrWhiteSpace(overrideReason)))
        {
            errors.Add("override.reason", "1 to 500 characters.");
        }
        if (!errors.IsEmpty) return Result<MatchRecord>.Invalid(errors);
        var profile = ResolveProfile(profileName);
        if (profile is null) return Result<MatchRecord>.Invalid("profile", $"No weight profile '{profileName}'.");
        var newcomer = LoadNewcomer(newcomerId!);
        if (newcomer is null) return Result<MatchRecord>.NotFound($"No newcomer '{newcomerId}'.");
        var evaluation = Engine.Evaluate(newcomer, offerId!, profile);
        if (evaluation is null) return Result<MatchRecord>.NotFound($"No offer '{offerId}'.");
        if (evaluation.Excluded is not null && overrideReason is null)
        {
            return Result<MatchRecord>.Conflict(
                $"The pair breaks the hard constraint '{evaluation.Excluded}'. A case worker may still match it with \"override\": {{ \"reason\": \"…\" }}.");
        }
        var id = "m-" + Guid.NewGuid().ToString("N");
        var now = Now();
        try
        {
            return CreateMatchRow(id, now, newcomerId!, offerId!, overrideReason, profile, evaluation, actor);
        }
        catch (DbException e) when (IsUniqueViolation(e))
        {
            // Another instance proposed the same pair between our check and our insert.
            return Result<MatchRecord>.Conflict("This newcomer already has an open match on this offer.");
        }
    }

    private Result<MatchRecord> CreateMatchRow(string id, string now, string newcomerId, string offerId, string? overrideReason,
        WeightProfile profile, PairEvaluation evaluation, string actor) =>
        Write((c, t) =>
        {
            var open = c.ExecuteScalar<long>(
                "SELECT COUNT(*) FROM matches WHERE newcomer_id = @newcomerId AND offer_id = @offerId AND status IN ('proposed','accepted','started')",
                new { newcomerId, offerId }, t);
            if (open > 0) return Result<MatchRecord>.Conflict("This newcomer already has an open match on this offer.");
            c.Execute(
                """
                INSERT INTO matches (id, newcomer_id, offer_id, status, override_reason, score, profile_name, profile_version, created_by, created_at, updated_at)
                VALUES (@id, @newcomerId, @offerId, 'proposed', @overrideReason, @score, @name, @version, @actor, @now, @now)
                """,
                new { id, newcomerId, offerId, overrideReason, score = evaluation.Score, name = profile.Name, version = profile.Version, actor, now }, t);
            Audit(c, t, actor, "match.proposed", "match", id, $"offer={offerId}");
            if (evaluation.Excluded is not null) Audit(c, t, actor, "match.override", "match", id, $"constraint={evaluation.Excluded}");
            return Result<MatchRecord>.Created(ReadMatch(c, t, id)!);
        });

    /// <summary>SQLite's SQLITE_CONSTRAINT_UNIQUE (2067) or PostgreSQL's unique_violation (23505).</summary>
    private static bool IsUniqueViolation(DbException e) =>
        e.SqlState == "23505" || (e is Microsoft.Data.Sqlite.SqliteException sqlite && sqlite.SqliteExtendedErrorCode == 2067);

    /// <summary>A match, or null.</summary>
    public MatchRecord? GetMatch(string id) => _db.Read(c => ReadMatch(c, null, id));

    /// <summary>
    /// Moves a match along its lifecycle. Accepting holds a place: a conflict when the offer is full (under any
    /// concurrency exactly <c>capacity</c> accepts succeed). Completed needs the hours; stopped and declined a reason.
    /// </summary>
    public Result<MatchRecord> MoveMatch(string id, string? status, int? hoursDone, string? reason, string actor)
    {
        var errors = new ValidationErrors();
        MatchStatus to = default;
        if (status is null || !WireNames.TryParse(status, out to)) errors.Add("status", $"Required: one of {WireNames.List<MatchStatus>()}.");
        EndReason? endReason = null;
        if (reason is not null)
        {
            if (WireNames.TryParse<EndReason>(reason, out var r) && r != EndReason.Erased) endReason = r;
            else errors.Add("reason", $"Unknown reason; use one of {string.Join(", ", Enum.GetValues<EndReason>().Where(e => e != EndReason.Erased).Select(WireNames.Of))}.");
        }
        if (hoursDone is < 0 or > 1000) errors.Add("hoursDone", "Must be between 0 and 1000.");
        if (errors.IsEmpty)
        {
            if (to == MatchStatus.Completed && hoursDone is null) errors.Add("hoursDone", "Required when completing a match.");
            if (to is MatchStatus.Stopped or MatchStatus.Declined && endReason is null) errors.Add("reason", "Required when stopping or declining a match.");
            if (to is not (MatchStatus.Completed or MatchStatus.Stopped) && hoursDone is not null) errors.Add("hoursDone", "Only for completed or stopped matches.");
            if (to is not (MatchStatus.Stopped or MatchStatus.Declined) && reason is not null) errors.Add("reason", "Only for stopped or declined matches.");
        }
        if (!errors.IsEmpty) return Result<MatchRecord>.Invalid(errors);

        string? offerId = null;
        var held = 0;
        var result = Write((c, t) =>
        {
            var current = ReadMatch(c, t, id);
            if (current is null) return Result<MatchRecord>.NotFound($"No match '{id}'.");
            WireNames.TryParse<MatchStatus>(current.Status, out var from);
            if (!MatchLifecycle.CanMove(from, to)) return Result<MatchRecord>.Conflict($"A {current.Status} match cannot become {WireNames.Of(to)}.");
            offerId = current.OfferId;
            if (MatchLifecycle.HoldsPlace(to) && !MatchLifecycle.HoldsPlace(from))
            {
                // Locked until commit: another instance accepting on this offer waits, then counts this one.
                var capacity = c.ExecuteScalar<long?>("SELECT capacity FROM offers WHERE id = @offerId AND deleted = 0" + _db.ForUpdate, new { offerId }, t);
                if (capacity is null) return Result<MatchRecord>.Conflict("The offer no longer exists.");
                if (HeldPlaces(c, t, offerId) >= capacity) return Result<MatchRecord>.Conflict("The offer is full: no place is free.");
            }
            var now = Now();
            c.Execute(
                """
                UPDATE matches SET status = @status, hours_done = COALESCE(@hoursDone, hours_done), reason = @reason, updated_at = @now,
                    accepted_at = CASE WHEN @status = 'accepted' THEN @now ELSE accepted_at END,
                    started_at = CASE WHEN @status = 'started' THEN @now ELSE started_at END,
                    ended_at = CASE WHEN @status IN ('completed','stopped','declined') THEN @now ELSE ended_at END
                WHERE id = @id
                """,
                new { id, status = WireNames.Of(to), hoursDone, reason = endReason is null ? null : WireNames.Of(endReason.Value), now }, t);
            Audit(c, t, actor, "match." + WireNames.Of(to), "match", id);
            Changed(c, t, "offer", offerId);
            held = HeldPlaces(c, t, offerId);
            return Result<MatchRecord>.Ok(ReadMatch(c, t, id)!);
        }, after: r => { if (r.Outcome == Outcome.Ok) Engine.SetHeld(offerId!, held); });
        return result;
    }

    // ---------------------------------------------------------------- allocation

    /// <summary>
    /// Allocates a cohort (the given ids, or every newcomer without an open match) and stores the proposal; nothing
    /// is held until it is confirmed.
    /// </summary>
    public Result<AllocationPlan> ProposeAllocation(IReadOnlyList<string>? newcomerIds, AllocationRequest request, string actor)
    {
        List<Newcomer> cohort;
        if (newcomerIds is { Count: > 0 })
        {
            var errors = new ValidationErrors();
            cohort = [];
            foreach (var (newcomerId, i) in newcomerIds.Select((id, i) => (id, i)))
            {
                if (!Identifiers.IsValid(newcomerId)) { errors.Add($"newcomerIds[{i}]", "Not a valid id."); continue; }
                if (LoadNewcomer(newcomerId) is { } n) cohort.Add(n);
                else errors.Add($"newcomerIds[{i}]", $"No newcomer '{newcomerId}'.");
            }
            if (newcomerIds.Distinct(StringComparer.Ordinal).Count() != newcomerIds.Count) errors.Add("newcomerIds", "Ids must not repeat.");
            if (!errors.IsEmpty) return Result<AllocationPlan>.Invalid(errors);
        }
        else
        {
            cohort = NewcomersWithoutOpenMatch().ToList();
        }
        var plan = new AllocationPlanner(Engine).Plan(cohort, request);
        var id = "a-" + Guid.NewGuid().ToString("N");
        plan = plan with { Id = id };
        var json = JsonSerializer.Serialize(plan, PlanJson);
        Write((c, t) =>
        {
            c.Execute(
                """
                INSERT INTO assignments (id, mode, profile_name, profile_version, status, document, created_by, created_at)
                VALUES (@id, @mode, @name, @version, 'proposed', @json, @actor, @now)
                """, new { id, mode = plan.Mode, name = plan.Profile.Name, version = plan.Profile.Version, json, actor, now = Now() }, t);
            Audit(c, t, actor, "assignment.proposed", "assignment", id, $"placed={plan.Placed} unplaced={plan.Unassigned.Count}");
            return true;
        });
        return Result<AllocationPlan>.Created(plan);
    }

    /// <summary>A stored proposal, with its status, or null.</summary>
    public (AllocationPlan Plan, string Status)? GetAllocation(string id)
    {
        var row = _db.Read(c => c.QuerySingleOrDefault<(string Document, string Status)>("SELECT document, status FROM assignments WHERE id = @id", new { id }));
        return row.Document is null ? null : (JsonSerializer.Deserialize<AllocationPlan>(row.Document, PlanJson)!, row.Status);
    }

    /// <summary>
    /// Turns a proposal into accepted matches in one transaction, or changes nothing: a conflict when a place was
    /// taken, an offer or newcomer went away, or a newcomer got a place in between.
    /// </summary>
    public Result<IReadOnlyList<MatchRecord>> ConfirmAllocation(string id, string actor)
    {
        var touched = new Dictionary<string, int>(StringComparer.Ordinal);
        try
        {
            return Write((c, t) =>
            {
                var row = c.QuerySingleOrDefault<(string Document, string Status)>("SELECT document, status FROM assignments WHERE id = @id", new { id }, t);
                if (row.Document is null) return Result<IReadOnlyList<MatchRecord>>.NotFound($"No assignment '{id}'.");
                if (row.Status != "proposed") return Result<IReadOnlyList<MatchRecord>>.Conflict("This assignment was already confirmed.");
                var plan = JsonSerializer.Deserialize<AllocationPlan>(row.Document, PlanJson)!;
                var problems = new List<string>();
                var now = Now();
                var matches = new List<MatchRecord>();
                foreach (var byOffer in plan.Assignments.GroupBy(a => a.OfferId))
                {
                    var capacity = c.ExecuteScalar<long?>("SELECT capacity FROM offers WHERE id = @id AND deleted = 0" + _db.ForUpdate, new { id = byOffer.Key }, t);
                    if (capacity is null) { problems.Add($"offer {byOffer.Key} no longer exists"); continue; }
                    var free = capacity.Value - HeldPlaces(c, t, byOffer.Key);
                    if (free < byOffer.Count()) problems.Add($"offer {byOffer.Key} has {Math.Max(0, free)} free places, {byOffer.Count()} needed");
                }
                foreach (var a in plan.Assignments)
                {
                    var state = c.QuerySingleOrDefault<long?>(
                        """
                        SELECT (SELECT COUNT(*) FROM matches m WHERE m.newcomer_id = n.id AND m.status IN ('accepted','started'))
                        FROM newcomers n WHERE n.id = @id
                        """, new { id = a.NewcomerId }, t);
                    if (state is null) problems.Add($"newcomer {a.NewcomerId} no longer exists");
                    else if (state > 0) problems.Add($"newcomer {a.NewcomerId} got a place in the meantime");
                }
                if (problems.Count > 0) throw new AllocationConflict("Nothing was confirmed: " + string.Join("; ", problems.Take(20)) + (problems.Count > 20 ? $"; and {problems.Count - 20} more" : "") + ".");
                foreach (var a in plan.Assignments)
                {
                    var matchId = "m-" + Guid.NewGuid().ToString("N");
                    c.Execute(
                        """
                        INSERT INTO matches (id, newcomer_id, offer_id, status, score, profile_name, profile_version, created_by, created_at, updated_at, accepted_at)
                        VALUES (@matchId, @newcomerId, @offerId, 'accepted', @score, @name, @version, @actor, @now, @now, @now)
                        """,
                        new { matchId, newcomerId = a.NewcomerId, offerId = a.OfferId, score = a.Score, name = plan.Profile.Name, version = plan.Profile.Version, actor, now }, t);
                    matches.Add(ReadMatch(c, t, matchId)!);
                }
                c.Execute("UPDATE assignments SET status = 'confirmed', confirmed_at = @now WHERE id = @id", new { id, now }, t);
                Audit(c, t, actor, "assignment.confirmed", "assignment", id, $"matches={matches.Count}");
                foreach (var offerId in plan.Assignments.Select(a => a.OfferId).Distinct())
                {
                    touched[offerId] = HeldPlaces(c, t, offerId);
                    Changed(c, t, "offer", offerId);
                }
                return Result<IReadOnlyList<MatchRecord>>.Ok(matches);
            }, after: r => { if (r.Outcome == Outcome.Ok) foreach (var (offerId, held) in touched) Engine.SetHeld(offerId, held); });
        }
        catch (AllocationConflict conflict)
        {
            return Result<IReadOnlyList<MatchRecord>>.Conflict(conflict.Message);
        }
    }

    /// <summary>The gap report over the newcomers who hold no place yet.</summary>
    public GapReportResult GapReport(GapGrouping grouping, OfferKind? kind, WeightProfile profile) =>
        new GapReportBuilder(Engine, _gazetteer).Build(UnplacedNewcomers().ToList(), grouping, kind, profile);

    /// <summary>Streams every stored newcomer with no proposed, accepted or started match: the default cohort of an allocation.</summary>
    public IEnumerable<Newcomer> NewcomersWithoutOpenMatch() => StreamNewcomers("'proposed','accepted','started'");

    private static readonly JsonSerializerOptions PlanJson = new(JsonSerializerDefaults.Web);

    /// <summary>Thrown inside a confirm transaction to roll it back whole.</summary>
    private sealed class AllocationConflict(string message) : Exception(message);

    // ---------------------------------------------------------------- weight profiles

    /// <summary>A stored profile, or null.</summary>
    public WeightProfile? GetProfile(string name)
    {
        if (_profiles.TryGetValue(name, out var cached)) return cached;
        var json = _db.Read(c => c.QuerySingleOrDefault<string>("SELECT document FROM weight_profiles WHERE name = @name", new { name }));
        if (json is null) return null;
        var profile = WeightProfile.Parse(json, out _);
        if (profile is not null) _profiles[name] = profile;
        return profile;
    }

    /// <summary>The profile to rank with: the named one, or the default when no name is given; null when the name is unknown.</summary>
    public WeightProfile? ResolveProfile(string? name) => GetProfile(string.IsNullOrEmpty(name) ? WeightProfile.Default.Name : name);

    /// <summary>Names and versions of every stored profile.</summary>
    public IReadOnlyList<ProfileRef> ListProfiles() =>
        _db.Read(c => c.Query<(string Name, long Version)>("SELECT name, version FROM weight_profiles ORDER BY name").Select(p => new ProfileRef(p.Name, (int)p.Version)).ToList());

    /// <summary>Creates or replaces a profile; each change gets the next version (unless <paramref name="keepVersion"/> at start-up).</summary>
    public Result<WeightProfileDocument> PutProfile(WeightProfileDocument? document, string actor, bool keepVersion = false)
    {
        if (document is null) return Result<WeightProfileDocument>.Invalid("", "A profile object is required.");
        var validated = WeightProfile.Create(document, out var errors);
        if (validated is null) return Result<WeightProfileDocument>.Invalid(errors);
        WeightProfile? stored = null;
        var created = Write((c, t) =>
        {
            var current = c.QuerySingleOrDefault<long?>("SELECT version FROM weight_profiles WHERE name = @name", new { name = validated.Name }, t);
            var version = keepVersion ? Math.Max(validated.Version, (int)(current ?? 0)) : (int)(current ?? 0) + 1;
            if (keepVersion && current is not null && current >= validated.Version)
            {
                stored = WeightProfile.Parse(c.QuerySingle<string>("SELECT document FROM weight_profiles WHERE name = @name", new { name = validated.Name }, t), out _);
                return false;
            }
            stored = validated.WithIdentity(validated.Name, version);
            var json = JsonSerializer.Serialize(stored.ToDocument(), WeightProfileDocument.JsonOptions);
            c.Execute(
                """
                INSERT INTO weight_profiles (name, version, document, updated_at) VALUES (@name, @version, @json, @now)
                ON CONFLICT (name) DO UPDATE SET version = excluded.version, document = excluded.document, updated_at = excluded.updated_at
                """, new { name = stored.Name, version, json, now = Now() }, t);
            Audit(c, t, actor, "profile.saved", "profile", stored.Name, $"version={version}");
            Changed(c, t, "profile", stored.Name);
            return current is null;
        }, after: _ => { if (stored is not null) _profiles[stored.Name] = stored; });
        return created ? Result<WeightProfileDocument>.Created(stored!.ToDocument()) : Result<WeightProfileDocument>.Ok(stored!.ToDocument());
    }

    // ---------------------------------------------------------------- retention

    /// <summary>
    /// Erases every newcomer whose trajectory ended more than <paramref name="months"/> months before today, as
    /// <see cref="EraseNewcomer"/> does (actor <c>retention</c>). Newcomers without a trajectory end are kept.
    /// </summary>
    /// <returns>How many were erased.</returns>
    public int EraseEndedTrajectories(int months)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(months);
        var cutoff = DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime).AddMonths(-months).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var ids = _db.Read(c => c.Query<string>("SELECT id FROM newcomers WHERE trajectory_end < @cutoff ORDER BY id", new { cutoff }).ToList());
        return ids.Count(id => EraseNewcomer(id, "retention"));
    }

    // ---------------------------------------------------------------- audit

    /// <summary>The newest audit rows, newest first.</summary>
    public IReadOnlyList<AuditEntry> ReadAudit(int limit, long? beforeId = null) =>
        _db.Read(c => c.Query<AuditEntry>(
            """
            SELECT id AS Id, at AS At, actor AS Actor, action AS Action, subject_type AS SubjectType, subject_id AS SubjectId, detail AS Detail
            FROM audit WHERE (@beforeId IS NULL OR id < @beforeId) ORDER BY id DESC LIMIT @limit
            """, new { limit, beforeId }).ToList());

    // ---------------------------------------------------------------- helpers

    /// <summary>
    /// One write transaction; <paramref name="after"/> then updates the in-memory state with the committed result,
    /// inside the write gate so that the index sees commits in order. It must check the result: a refused
    /// write commits nothing and must change nothing.
    /// </summary>
    private T Write<T>(Func<DbConnection, IDbTransaction, T> write, Action<T>? after = null)
    {
        // Only writes that update the in-memory state need the gate's order; the others (newcomers, proposals, audit)
        // run side by side and leave ordering to the database.
        if (after is null) return _db.Write(write);
        lock (_writeGate)
        {
            var result = _db.Write(write);
            after?.Invoke(result);
            return result;
        }
    }

    private void Changed(DbConnection c, IDbTransaction t, string subjectType, string subjectId) =>
        c.Execute("INSERT INTO changes (at, subject_type, subject_id) VALUES (@at, @subjectType, @subjectId)", new { at = Now(), subjectType, subjectId }, t);

    private static int HeldPlaces(DbConnection c, IDbTransaction t, string offerId) =>
        (int)c.ExecuteScalar<long>("SELECT COUNT(*) FROM matches WHERE offer_id = @offerId AND status IN ('accepted','started')", new { offerId }, t);

    private void Audit(DbConnection c, IDbTransaction t, string actor, string action, string subjectType, string? subjectId, string? detail = null) =>
        c.Execute("INSERT INTO audit (at, actor, action, subject_type, subject_id, detail) VALUES (@at, @actor, @action, @subjectType, @subjectId, @detail)",
            new { at = Now(), actor, action, subjectType, subjectId, detail }, t);

    private static MatchRecord? ReadMatch(DbConnection c, IDbTransaction? t, string id)
    {
        var row = c.QuerySingleOrDefault<MatchRow>("SELECT * FROM matches WHERE id = @id", new { id }, t);
        return row?.ToRecord();
    }

    private Offer ParseOffer(string id, string json) =>
        _mapper.ToOffer(id, JsonSerializer.Deserialize<OfferDocument>(json, DocumentJson.Options), out var errors)
        ?? throw new InvalidDataException($"Stored offer '{id}' no longer validates: {errors}");

    private string Now() => _time.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

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

/// <summary>One audit row: who (the API key's name), what (action and ids) and when; never a personal attribute.</summary>
/// <param name="Id">Sequence number.</param>
/// <param name="At">When (UTC, ISO 8601).</param>
/// <param name="Actor">The API key's name.</param>
/// <param name="Action">What was done, e.g. <c>match.accepted</c>.</param>
/// <param name="SubjectType">newcomer, offer, match or profile.</param>
/// <param name="SubjectId">The id, or null once a newcomer is erased.</param>
/// <param name="Detail">Ids and codes only.</param>
public sealed record AuditEntry(long Id, string At, string Actor, string Action, string SubjectType, string? SubjectId, string? Detail);
