using System.Security.Claims;
using Matching.Allocation;
using Matching.Api.Infrastructure;
using Matching.Model;
using Matching.Service;
using Matching.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Matching.Api.Endpoints;

/// <summary>/api/v1/assignments: one allocation for a whole cohort, confirmed whole into accepted matches.</summary>
internal static class AssignmentsEndpoints
{
    /// <summary>What to allocate.</summary>
    internal sealed class AssignmentRequest
    {
        /// <summary>The cohort; default every newcomer without an open match.</summary>
        public List<string>? NewcomerIds { get; set; }
        /// <summary>Kinds of offer to allocate; default all.</summary>
        public List<string>? Kinds { get; set; }
        /// <summary>Weight profile (default: default).</summary>
        public string? Profile { get; set; }
        /// <summary>optimal (default), stable, greedy or dynamic (Σ(score − price) with the current place prices).</summary>
        public string? Mode { get; set; }
        /// <summary>Best feasible offers per newcomer considered (1..100, default 50).</summary>
        public int? CandidatesPerNewcomer { get; set; }
        /// <summary>Language of the reasons: nl (default) or en.</summary>
        public string? Lang { get; set; }
    }

    /// <summary>A stored proposal and its status.</summary>
    internal sealed record AssignmentView(string Id, string Status, string Mode, Scoring.ProfileRef Profile, int Placed, double TotalScore,
        IReadOnlyList<Assignment> Assignments, IReadOnlyList<Unassigned> Unassigned);

    public static RouteGroupBuilder MapAssignments(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/assignments").WithTags("Assignments").RequireAuthorization(Policies.Matches);

        group.MapPost("/", Propose)
            .WithSummary("Allocate a cohort")
            .WithDescription("optimal: as many placed as possible, then the best total score (OR-Tools min-cost flow); stable: deferred acceptance, no blocking pair; greedy: the baseline; dynamic: maximises Σ(1 + score − price) with the current price per place (GET /api/v1/scarcity), so that places later arrivals need more are kept for them (409 before any prices are computed). Stored as a proposal; nothing is held until confirmed.")
            .Accepts<AssignmentRequest>("application/json");

        group.MapGet("/{id}", Get)
            .WithSummary("Read an allocation proposal");

        group.MapPost("/{id}/confirm", Confirm)
            .WithSummary("Confirm a proposal into accepted matches")
            .WithDescription("One transaction: every assignment becomes an accepted match, or nothing changes (409) when a place, offer or newcomer changed in between.");

        return group;
    }

    /// <summary>A body room for the most newcomers one allocation takes: 100,000 ids of up to 64 characters, quoted and separated.</summary>
    internal const int MaxBodyBytes = 8 * 1024 * 1024;

    private static async Task<Results<Created<AssignmentView>, ValidationProblem, BodyRejected, NotFoundProblem, ConflictProblem>> Propose(
        HttpRequest request, ClaimsPrincipal user, AllocationsService service, WeightProfilesService profiles, ScarcityService scarcity, CancellationToken ct)
    {
        var (body, error) = await JsonBody.ReadAsync<AssignmentRequest>(request, ct, MaxBodyBytes);
        if (error is not null) return error;
        var errors = new ValidationErrors();
        var mode = Wire.Enum<AllocationMode>(body!.Mode, "mode", errors) ?? AllocationMode.Optimal;
        var kinds = Wire.Kinds(body.Kinds, "kinds", errors, indexed: true);
        var candidates = Wire.Int(body.CandidatesPerNewcomer, "candidatesPerNewcomer", 1, 100, errors) ?? 50;
        var language = Wire.Enum<ReasonLanguage>(body.Lang, "lang", errors) ?? ReasonLanguage.Nl;
        var profile = profiles.Resolve(body.Profile);
        if (profile is null) errors.Add("profile", $"No weight profile '{body.Profile}'.");
        if (body.NewcomerIds is { Count: > 100_000 }) errors.Add("newcomerIds", "At most 100000 newcomers per allocation.");
        if (!errors.IsEmpty) return Problems.Invalid(errors.ToDictionary());
        IReadOnlyDictionary<string, double>? prices = null;
        var placementValue = PricingOptions.DefaultPlacementValue;
        if (mode == AllocationMode.Dynamic)
        {
            if (scarcity.Current() is not { } current)
            {
                return Problems.Conflict("No place prices yet: the dynamic mode needs them; an analyst or admin computes them with POST /api/v1/scarcity:recompute (or set Scarcity:RecomputeIntervalMinutes).");
            }
            prices = current.Offers.ToDictionary(p => p.OfferId, p => p.Price, StringComparer.Ordinal);
            placementValue = current.Inputs.PlacementValue;
        }
        var result = service.Propose(body.NewcomerIds, new AllocationRequest
        {
            Mode = mode,
            Kinds = kinds.Count == 0 ? null : kinds,
            Profile = profile,
            CandidatesPerNewcomer = candidates,
            Language = language,
            Prices = prices,
            PlacementValue = placementValue,
        }, user.Caller());
        return result.Outcome switch
        {
            Outcome.Ok or Outcome.Created => TypedResults.Created($"/api/v1/assignments/{result.Value!.Id}", View(result.Value, "proposed")),
            Outcome.NotFound => Problems.NotFound(result.Detail!),
            Outcome.Conflict => Problems.Conflict(result.Detail!),
            _ => result.Invalid(),
        };
    }

    private static Results<Ok<AssignmentView>, ValidationProblem, NotFoundProblem> Get(string id, AllocationsService service)
    {
        if (Http.CheckId(id) is { } bad) return bad;
        return service.Get(id) is { } stored ? TypedResults.Ok(View(stored.Plan, stored.Status)) : Problems.NotFound($"No assignment '{id}'.");
    }

    private static Results<Ok<IReadOnlyList<MatchRecord>>, ValidationProblem, NotFoundProblem, ConflictProblem> Confirm(string id, ClaimsPrincipal user, AllocationsService service)
    {
        if (Http.CheckId(id) is { } bad) return bad;
        var result = service.Confirm(id, user.Caller());
        return result.Outcome switch
        {
            Outcome.Ok or Outcome.Created => TypedResults.Ok(result.Value!),
            Outcome.NotFound => Problems.NotFound(result.Detail!),
            Outcome.Conflict => Problems.Conflict(result.Detail!),
            _ => result.Invalid(),
        };
    }

    private static AssignmentView View(AllocationPlan p, string status) =>
        new(p.Id, status, p.Mode, p.Profile, p.Placed, p.TotalScore, p.Assignments, p.Unassigned);
}
