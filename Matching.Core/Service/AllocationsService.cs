using System.Diagnostics;
using System.Text.Json;
using Dapper;
using Matching.Allocation;
using Matching.Diagnostics;
using Matching.Model;
using Matching.Scoring;
using Matching.Storage;
using Matching.Validation;

namespace Matching.Service;

/// <summary>
/// Allocation of many newcomers at once: a stored proposal, confirmed into accepted matches in one transaction or
/// not at all; and the gap report over the newcomers still without a place.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed class AllocationsService(MatchingStore store, NewcomersService newcomers, OffersService offers)
{
    private static readonly JsonSerializerOptions PlanJson = new(JsonSerializerDefaults.Web);
    private readonly WriteContext _writer = store.Writer;

    /// <summary>
    /// Allocates a cohort (the given ids, or every newcomer without an open match who has started the trajectory) and
    /// stores the proposal; nothing is held until it is confirmed. A given newcomer who starts after today is left out
    /// and listed as unassigned (notStarted).
    /// </summary>
    public Result<AllocationPlan> Propose(IReadOnlyList<string>? newcomerIds, AllocationRequest request, string actor)
    {
        List<Newcomer> cohort;
        if (newcomerIds is { Count: > 0 })
        {
            var errors = new ValidationErrors();
            cohort = [];
            foreach (var (newcomerId, i) in newcomerIds.Select((id, i) => (id, i)))
            {
                if (!Identifiers.IsValid(newcomerId)) { errors.Add($"newcomerIds[{i}]", "Not a valid id."); continue; }
                if (newcomers.Load(newcomerId) is { } n) cohort.Add(n);
                else errors.Add($"newcomerIds[{i}]", $"No newcomer '{newcomerId}'.");
            }
            if (newcomerIds.Distinct(StringComparer.Ordinal).Count() != newcomerIds.Count) errors.Add("newcomerIds", "Ids must not repeat.");
            if (!errors.IsEmpty) return Result<AllocationPlan>.Invalid(errors);
        }
        else
        {
            var today = store.Engine.Today;
            cohort = newcomers.WithoutOpenMatch().Where(n => !AllocationPlanner.NotStarted(n, today)).ToList();
        }
        var started = Stopwatch.GetTimestamp();
        AllocationPlan plan;
        using (MatchingTelemetry.Source.StartActivity("matching.allocation solve")?.SetTag("matching.allocation.cohort.size", cohort.Count))
        {
            plan = new AllocationPlanner(store.Engine).Plan(cohort, request);
        }
        store.Telemetry.Allocated(plan.Mode, cohort.Count, started);
        var id = "a-" + Guid.NewGuid().ToString("N");
        plan = plan with { Id = id };
        var json = JsonSerializer.Serialize(plan, PlanJson);
        _writer.Write((c, t) =>
        {
            c.Execute(AllocationSql.Insert,
                new { id, mode = plan.Mode, name = plan.Profile.Name, version = plan.Profile.Version, json, actor, now = _writer.Now() }, t);
            _writer.Audit(c, t, actor, "assignment.proposed", "assignment", id, $"placed={plan.Placed} unplaced={plan.Unassigned.Count}");
            return true;
        });
        return Result<AllocationPlan>.Created(plan);
    }

    /// <summary>A stored proposal, with its status, or null.</summary>
    public (AllocationPlan Plan, string Status)? Get(string id)
    {
        var row = _writer.Read(c => c.QuerySingleOrDefault<(string Document, string Status)>(AllocationSql.ById, new { id }));
        return row.Document is null ? null : (JsonSerializer.Deserialize<AllocationPlan>(row.Document, PlanJson)!, row.Status);
    }

    /// <summary>
    /// Turns a proposal into accepted matches in one transaction, or changes nothing: a conflict when a place was
    /// taken, an offer or newcomer went away, or a newcomer got a place in between.
    /// </summary>
    public Result<IReadOnlyList<MatchRecord>> Confirm(string id, string actor)
    {
        var touched = new Dictionary<string, int>(StringComparer.Ordinal);
        var states = new List<(string NewcomerId, NewcomersService.MatchStateRow State)>();
        try
        {
            return _writer.Write((c, t) =>
            {
                touched.Clear(); // a retried transaction starts again
                states.Clear();
                // Locked: a second confirm of the same assignment waits, then finds it confirmed.
                var row = c.QuerySingleOrDefault<(string Document, string Status)>(AllocationSql.ById + _writer.ForUpdate, new { id }, t);
                if (row.Document is null) return Result<IReadOnlyList<MatchRecord>>.NotFound($"No assignment '{id}'.");
                if (row.Status != "proposed") return store.Telemetry.Refused("assignment.confirm", "already_confirmed", Result<IReadOnlyList<MatchRecord>>.Conflict("This assignment was already confirmed."));
                var plan = JsonSerializer.Deserialize<AllocationPlan>(row.Document, PlanJson)!;
                _writer.LockNewcomers(c, t, plan.Assignments.Select(a => a.NewcomerId));
                _writer.LockOffers(c, t, plan.Assignments.Select(a => a.OfferId));
                var problems = new List<string>();
                foreach (var byOffer in plan.Assignments.GroupBy(a => a.OfferId))
                {
                    var capacity = offers.LockCapacity(c, t, byOffer.Key);
                    if (capacity is null) { problems.Add($"offer {byOffer.Key} no longer exists"); continue; }
                    var free = capacity.Value - OffersService.HeldPlaces(c, t, byOffer.Key);
                    if (free < byOffer.Count()) problems.Add($"offer {byOffer.Key} has {Math.Max(0, free)} free places, {byOffer.Count()} needed");
                }
                foreach (var a in plan.Assignments)
                {
                    var held = NewcomersService.PlacesHeld(c, t, a.NewcomerId);
                    if (held is null) problems.Add($"newcomer {a.NewcomerId} no longer exists");
                    else if (held > 0) problems.Add($"newcomer {a.NewcomerId} got a place in the meantime");
                }
                if (problems.Count > 0) throw new AllocationConflict("Nothing was confirmed: " + string.Join("; ", problems.Take(20)) + (problems.Count > 20 ? $"; and {problems.Count - 20} more" : "") + ".");
                var now = _writer.Now();
                var matches = plan.Assignments
                    .Select(a => MatchesService.InsertAccepted(c, t, a.NewcomerId, a.OfferId, a.Score, plan.Profile, actor, now))
                    .ToList();
                c.Execute(AllocationSql.Confirm, new { id, now }, t);
                _writer.Audit(c, t, actor, "assignment.confirmed", "assignment", id, $"matches={matches.Count}");
                foreach (var offerId in plan.Assignments.Select(a => a.OfferId).Distinct())
                {
                    touched[offerId] = OffersService.HeldPlaces(c, t, offerId);
                    _writer.Changed(c, t, "offer", offerId);
                }
                foreach (var a in plan.Assignments)
                {
                    _writer.Changed(c, t, "newcomer", a.NewcomerId);
                    states.Add((a.NewcomerId, NewcomersService.MatchState(c, t, a.NewcomerId)));
                }
                return Result<IReadOnlyList<MatchRecord>>.Ok(matches);
            }, after: r =>
            {
                if (r.Outcome != Outcome.Ok) return;
                foreach (var (offerId, held) in touched) store.Engine.SetHeld(offerId, held);
                foreach (var (newcomerId, state) in states) store.Newcomers.SetMatchState(newcomerId, (int)state.Held, (int)state.Open);
                store.Telemetry.Moved("none", "accepted", r.Value!.Count);
            });
        }
        catch (AllocationConflict conflict)
        {
            return store.Telemetry.Refused("assignment.confirm", "taken", Result<IReadOnlyList<MatchRecord>>.Conflict(conflict.Message));
        }
    }

    /// <summary>The gap report over the newcomers who hold no place yet.</summary>
    public GapReportResult GapReport(GapGrouping grouping, OfferKind? kind, WeightProfile profile) =>
        new GapReportBuilder(store.Engine, store.Gazetteer).Build(newcomers.Unplaced().ToList(), grouping, kind, profile);

    /// <summary>Thrown inside a confirm transaction to roll it back whole.</summary>
    private sealed class AllocationConflict(string message) : Exception(message);
}
