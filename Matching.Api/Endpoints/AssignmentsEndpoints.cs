using System.Security.Claims;
using Matching.Allocation;
using Matching.Api.Infrastructure;
using Matching.Model;
using Matching.Service;
using Matching.Validation;

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
            .ProducesProblem(StatusCodes.Status409Conflict)
            .Accepts<AssignmentRequest>("application/json")
            .Produces<AssignmentView>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        group.MapGet("/{id}", Get)
            .WithSummary("Read an allocation proposal")
            .Produces<AssignmentView>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{id}/confirm", Confirm)
            .WithSummary("Confirm a proposal into accepted matches")
            .WithDescription("One transaction: every assignment becomes an accepted match, or nothing changes (409) when a place, offer or newcomer changed in between.")
            .Produces<IReadOnlyList<MatchRecord>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        return group;
    }

    private static async Task<IResult> Propose(HttpRequest request, ClaimsPrincipal user, AllocationsService service, WeightProfilesService profiles,
        ScarcityService scarcity, CancellationToken ct)
    {
        var (body, error) = await JsonBody.ReadAsync<AssignmentRequest>(request, ct);
        if (error is not null) return error;
        var errors = new ValidationErrors();
        var mode = AllocationMode.Optimal;
        if (body!.Mode is not null && !WireNames.TryParse(body.Mode, out mode)) errors.Add("mode", "Use optimal, stable, greedy or dynamic.");
        var kinds = new List<OfferKind>();
        foreach (var (k, i) in (body.Kinds ?? []).Select((k, i) => (k, i)))
        {
            if (WireNames.TryParse<OfferKind>(k, out var kind)) kinds.Add(kind);
            else errors.Add($"kinds[{i}]", $"Use {WireNames.List<OfferKind>()}.");
        }
        if (body.CandidatesPerNewcomer is < 1 or > 100) errors.Add("candidatesPerNewcomer", "Must be between 1 and 100.");
        var language = ReasonLanguage.Nl;
        if (body.Lang is not null && !WireNames.TryParse(body.Lang, out language)) errors.Add("lang", "Use nl or en.");
        var profile = profiles.Resolve(body.Profile);
        if (profile is null) errors.Add("profile", $"No weight profile '{body.Profile}'.");
        if (body.NewcomerIds is { Count: > 100_000 }) errors.Add("newcomerIds", "At most 100000 newcomers per allocation.");
        if (!errors.IsEmpty) return Problems.Invalid(errors.ToDictionary());
        IReadOnlyDictionary<string, double>? prices = null;
        if (mode == AllocationMode.Dynamic)
        {
            if (scarcity.Current() is not { } current)
            {
                return Problems.Status(StatusCodes.Status409Conflict, "No place prices yet",
                    "The dynamic mode needs the prices per place: an analyst or admin computes them with POST /api/v1/scarcity:recompute (or set Scarcity:RecomputeIntervalMinutes).");
            }
            prices = current.Offers.ToDictionary(p => p.OfferId, p => p.Price, StringComparer.Ordinal);
        }
        var result = service.Propose(body.NewcomerIds, new AllocationRequest
        {
            Mode = mode,
            Kinds = kinds.Count == 0 ? null : kinds,
            Profile = profile,
            CandidatesPerNewcomer = body.CandidatesPerNewcomer ?? 50,
            Language = language,
            Prices = prices,
        }, user.Caller());
        return result.ToHttp(plan => TypedResults.Created($"/api/v1/assignments/{plan.Id}", View(plan, "proposed")));
    }

    private static IResult Get(string id, AllocationsService service)
    {
        if (Http.CheckId(id) is { } bad) return bad;
        return service.Get(id) is { } stored ? TypedResults.Ok(View(stored.Plan, stored.Status)) : Problems.NotFound($"No assignment '{id}'.");
    }

    private static IResult Confirm(string id, ClaimsPrincipal user, AllocationsService service)
    {
        if (Http.CheckId(id) is { } bad) return bad;
        return service.Confirm(id, user.Caller()).ToHttp();
    }

    private static AssignmentView View(AllocationPlan p, string status) =>
        new(p.Id, status, p.Mode, p.Profile, p.Placed, p.TotalScore, p.Assignments, p.Unassigned);
}
