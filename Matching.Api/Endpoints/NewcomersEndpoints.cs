using System.Security.Claims;
using Matching.Api.Infrastructure;
using Matching.Contracts;
using Matching.Scoring;
using Matching.Service;

namespace Matching.Api.Endpoints;

/// <summary>/api/v1/newcomers: the caller's pseudonymous newcomers, their suggestions, and erasure.</summary>
internal static class NewcomersEndpoints
{
    public static RouteGroupBuilder MapNewcomers(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/newcomers").WithTags("Newcomers");

        group.MapPut("/{id}", Put)
            .RequireAuthorization(Policies.WriteNewcomers)
            .WithSummary("Create or replace a newcomer")
            .WithDescription("Upsert by the caller's pseudonymous id. Only matching attributes are accepted: an unknown field (a name, an address) is a 400.")
            .Accepts<NewcomerDocument>("application/json")
            .Produces<NewcomerDocument>(StatusCodes.Status200OK)
            .Produces<NewcomerDocument>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        group.MapGet("/{id}", Get)
            .RequireAuthorization(Policies.ReadNewcomers)
            .WithSummary("Read a newcomer")
            .WithDescription("The stored fields with the location resolved: lat, lon, the municipality (NIS code and name), and the postcode and place when they were given.")
            .Produces<NewcomerDocument>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapDelete("/{id}", Erase)
            .RequireAuthorization(Policies.WriteNewcomers)
            .WithSummary("Erase a newcomer")
            .WithDescription("Deletes every attribute. Matches stay only as anonymous outcome rows; open ones are stopped and free their places.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id}/suggestions", Suggestions)
            .RequireAuthorization(Policies.Suggest)
            .WithSummary("Ranked, explained offers for a stored newcomer")
            .WithDescription("Every suggestion has each criterion's score, weight and contribution, and reasons in Dutch (lang=nl, default) or English (lang=en). With scarcity=true and a profile whose scarcityWeight is above 0, the list is ordered by score − weight × price of a place (GET /api/v1/scarcity); each suggestion keeps its score and shows the adjustment as its own line (scarcity), and a priced offer says why. A price reorders; it never hides an offer.")
            .Produces<SuggestionResult>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        return group;
    }

    private static async Task<IResult> Put(string id, HttpRequest request, ClaimsPrincipal user, NewcomersService service, CancellationToken ct)
    {
        if (Http.CheckId(id) is { } bad) return bad;
        var (document, error) = await JsonBody.ReadAsync<NewcomerDocument>(request, ct);
        if (error is not null) return error;
        return service.Put(id, document, user.Caller()).ToHttp(created => TypedResults.Created($"/api/v1/newcomers/{id}", created));
    }

    private static IResult Get(string id, NewcomersService service)
    {
        if (Http.CheckId(id) is { } bad) return bad;
        return service.Get(id) is { } newcomer ? TypedResults.Ok(newcomer) : Problems.NotFound($"No newcomer '{id}'.");
    }

    private static IResult Erase(string id, ClaimsPrincipal user, NewcomersService service)
    {
        if (Http.CheckId(id) is { } bad) return bad;
        return service.Erase(id, user.Caller()) ? TypedResults.NoContent() : Problems.NotFound($"No newcomer '{id}'.");
    }

    private static IResult Suggestions(string id, string? limit, [Microsoft.AspNetCore.Mvc.FromQuery] string[]? kind, string? profile, string? lang, string? scarcity, SuggestionsService service, WeightProfilesService profiles)
    {
        if (Http.CheckId(id) is { } bad) return bad;
        var (byScarcity, scarcityError) = Http.Scarcity(scarcity);
        if (scarcityError is not null) return scarcityError;
        var (options, error) = Http.RankingOptions(profiles, limit, kind, profile, lang);
        return error ?? service.SuggestFor(id, options!, byScarcity).ToHttp();
    }
}
