using System.Security.Claims;
using Matching.Api.Infrastructure;
using Matching.Service;
using Matching.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Matching.Api.Endpoints;

/// <summary>/api/v1/matches: proposed → accepted → started → completed | stopped, or declined.</summary>
internal static class MatchesEndpoints
{
    /// <summary>Propose a match.</summary>
    internal sealed class CreateMatchRequest
    {
        /// <summary>The newcomer.</summary>
        public string? NewcomerId { get; set; }
        /// <summary>The offer.</summary>
        public string? OfferId { get; set; }
        /// <summary>The weight profile to score with (default: default).</summary>
        public string? Profile { get; set; }
        /// <summary>Needed when the pair breaks a hard constraint: why the case worker matches it anyway.</summary>
        public OverrideRequest? Override { get; set; }
    }

    /// <summary>A case worker's override of a hard constraint.</summary>
    internal sealed class OverrideRequest
    {
        /// <summary>Why (1..500 characters); stored and audited.</summary>
        public string? Reason { get; set; }
    }

    /// <summary>Move a match along its lifecycle.</summary>
    internal sealed class MoveMatchRequest
    {
        /// <summary>accepted, started, completed, stopped or declined.</summary>
        public string? Status { get; set; }
        /// <summary>Hours done: required for completed, optional for stopped.</summary>
        public int? HoursDone { get; set; }
        /// <summary>Required for stopped and declined: newcomerDeclined, offerDeclined, work, moved, health, careDuties, schedule, distance, lostInterest, languageTooHard, offerEnded, other.</summary>
        public string? Reason { get; set; }
    }

    public static RouteGroupBuilder MapMatches(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/matches").WithTags("Matches").RequireAuthorization(Policies.Matches);

        group.MapPost("/", Create)
            .WithSummary("Propose a match")
            .WithDescription("A case worker may match outside the top of the list; a pair that breaks a hard constraint needs an override with a reason, which is audited.")
            .Accepts<CreateMatchRequest>("application/json");

        group.MapGet("/{id}", Get)
            .WithSummary("Read a match")
            .WithMetadata(Versioned.Instance);

        group.MapPatch("/{id}", Move)
            .WithSummary("Move a match along its lifecycle")
            .WithDescription("Accepting holds a place: 409 when the offer is full. Illegal transitions are 409.")
            .Accepts<MoveMatchRequest>("application/json");

        return group;
    }

    private static async Task<Results<Created<MatchRecord>, ValidationProblem, BodyRejected, NotFoundProblem, ConflictProblem>> Create(
        HttpRequest request, ClaimsPrincipal user, MatchesService service, CancellationToken ct)
    {
        var (body, error) = await JsonBody.ReadAsync<CreateMatchRequest>(request, ct);
        if (error is not null) return error;
        // Validated here, once: the service trusts the ids and the override's reason.
        var errors = new ValidationErrors();
        var newcomerId = Wire.Id(body!.NewcomerId, "newcomerId", errors);
        var offerId = Wire.Id(body.OfferId, "offerId", errors);
        string? reason = null;
        if (body.Override is not null)
        {
            if (body.Override.Reason is null) errors.Add("override.reason", "Required with an override.");
            else reason = Wire.Text(body.Override.Reason, "override.reason", 500, errors);
        }
        if (!errors.IsEmpty) return Problems.Invalid(errors.ToDictionary());
        var result = service.Create(newcomerId, offerId, reason, body.Profile, user.Caller());
        return result.Outcome switch
        {
            Outcome.Ok or Outcome.Created => TypedResults.Created($"/api/v1/matches/{result.Value!.Id}", result.Value),
            Outcome.NotFound => Problems.NotFound(result.Detail!),
            Outcome.Conflict => Problems.Conflict(result.Detail!),
            _ => result.Invalid(),
        };
    }

    private static Results<Ok<MatchRecord>, ValidationProblem, NotFoundProblem> Get(string id, HttpResponse response, MatchesService service)
    {
        if (Http.CheckId(id) is { } bad) return bad;
        if (service.Get(id) is not { } match) return Problems.NotFound($"No match '{id}'.");
        response.Tag(MatchesService.TagOf(match));
        return TypedResults.Ok(match);
    }

    private static async Task<Results<Ok<MatchRecord>, ValidationProblem, BodyRejected, NotFoundProblem, ConflictProblem, PreconditionFailedProblem>> Move(
        string id, HttpRequest request, ClaimsPrincipal user, MatchesService service, CancellationToken ct)
    {
        if (Http.CheckId(id) is { } bad) return bad;
        var (body, error) = await JsonBody.ReadAsync<MoveMatchRequest>(request, ct);
        if (error is not null) return error;
        // The words and the range are parsed here, once; the service keeps only the lifecycle's rules.
        var errors = new ValidationErrors();
        var to = Wire.Enum<MatchStatus>(body!.Status, "status", errors);
        if (body.Status is null) errors.Add("status", $"Required: one of {string.Join(", ", Wire.Names<MatchStatus>())}.");
        var reason = Wire.Enum<EndReason>(body.Reason, "reason", errors, r => r != EndReason.Erased);
        var hours = Wire.Int(body.HoursDone, "hoursDone", 0, 1000, errors);
        if (!errors.IsEmpty) return Problems.Invalid(errors.ToDictionary());
        var result = service.Move(id, to!.Value, hours, reason, user.Caller(), request.IfMatch());
        request.HttpContext.Response.Tag(result.Tag);
        return result.Outcome switch
        {
            Outcome.Ok or Outcome.Created => TypedResults.Ok(result.Value!),
            Outcome.Stale => Problems.Stale(result.Detail!),
            Outcome.NotFound => Problems.NotFound(result.Detail!),
            Outcome.Conflict => Problems.Conflict(result.Detail!),
            _ => result.Invalid(),
        };
    }
}
