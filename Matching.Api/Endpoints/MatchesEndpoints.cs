using System.Security.Claims;
using Matching.Api.Infrastructure;
using Matching.Service;

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
            .Accepts<CreateMatchRequest>("application/json")
            .Produces<MatchRecord>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        group.MapGet("/{id}", Get)
            .WithSummary("Read a match")
            .Produces<MatchRecord>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPatch("/{id}", Move)
            .WithSummary("Move a match along its lifecycle")
            .WithDescription("Accepting holds a place: 409 when the offer is full. Illegal transitions are 409.")
            .Accepts<MoveMatchRequest>("application/json")
            .Produces<MatchRecord>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        return group;
    }

    private static async Task<IResult> Create(HttpRequest request, ClaimsPrincipal user, MatchesService service, CancellationToken ct)
    {
        var (body, error) = await JsonBody.ReadAsync<CreateMatchRequest>(request, ct);
        if (error is not null) return error;
        if (body!.Override is { Reason: null }) return Problems.Invalid("override.reason", "Required with an override.");
        return service.Create(body.NewcomerId, body.OfferId, body.Override?.Reason, body.Profile, user.Caller())
            .ToHttp(m => TypedResults.Created($"/api/v1/matches/{m.Id}", m));
    }

    private static IResult Get(string id, MatchesService service)
    {
        if (Http.CheckId(id) is { } bad) return bad;
        return service.Get(id) is { } match ? TypedResults.Ok(match) : Problems.NotFound($"No match '{id}'.");
    }

    private static async Task<IResult> Move(string id, HttpRequest request, ClaimsPrincipal user, MatchesService service, CancellationToken ct)
    {
        if (Http.CheckId(id) is { } bad) return bad;
        var (body, error) = await JsonBody.ReadAsync<MoveMatchRequest>(request, ct);
        if (error is not null) return error;
        return service.Move(id, body!.Status, body.HoursDone, body.Reason, user.Caller()).ToHttp();
    }
}
