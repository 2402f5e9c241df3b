using System.Security.Claims;
using Matching.Api.Infrastructure;
using Matching.Contracts;
using Matching.Scoring;
using Matching.Service;
using Matching.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

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
            .Accepts<NewcomerDocument>("application/json");

        group.MapGet("/{id}", Get)
            .RequireAuthorization(Policies.ReadNewcomers)
            .WithSummary("Read a newcomer")
            .WithMetadata(Versioned.Instance)
            .WithDescription("The stored fields with the location resolved: lat, lon, the municipality (NIS code and name), and the postcode and place when they were given.");

        group.MapDelete("/{id}", Erase)
            .RequireAuthorization(Policies.WriteNewcomers)
            .WithSummary("Erase a newcomer")
            .WithDescription("Deletes every attribute. Matches stay only as anonymous outcome rows; open ones are stopped and free their places.");

        group.MapGet("/{id}/suggestions", Suggestions)
            .RequireAuthorization(Policies.Suggest)
            .WithSummary("Ranked, explained offers for a stored newcomer")
            .WithDescription("Every suggestion has each criterion's score, weight and contribution, and reasons in Dutch (lang=nl, default) or English (lang=en). With scarcity=true and a profile whose scarcityWeight is above 0, the list is ordered by score − weight × price of a place (GET /api/v1/scarcity); each suggestion keeps its score and shows the adjustment as its own line (scarcity), and a priced offer says why. The answer then carries waitAdvice: advised (with a sentence to read aloud) when every feasible offer with a free place is worth less to this newcomer than its price (V + score − weight × price < 0, V the placement value the prices were computed with) and one of them is still feasible a week from today. A price reorders and the advice only adds; neither hides an offer.");

        return group;
    }

    private static async Task<Results<Ok<NewcomerDocument>, Created<NewcomerDocument>, ValidationProblem, BodyRejected, PreconditionFailedProblem>> Put(
        string id, HttpRequest request, ClaimsPrincipal user, NewcomersService service, CancellationToken ct)
    {
        if (Http.CheckId(id) is { } bad) return bad;
        var (document, error) = await JsonBody.ReadAsync<NewcomerDocument>(request, ct);
        if (error is not null) return error;
        var result = service.Put(id, document, user.Caller(), request.IfMatch());
        request.HttpContext.Response.Tag(result.Tag);
        return result.Outcome switch
        {
            Outcome.Ok => TypedResults.Ok(result.Value!),
            Outcome.Created => TypedResults.Created($"/api/v1/newcomers/{id}", result.Value!),
            Outcome.Stale => Problems.Stale(result.Detail!),
            _ => result.Invalid(),
        };
    }

    private static Results<Ok<NewcomerDocument>, ValidationProblem, NotFoundProblem> Get(string id, HttpResponse response, NewcomersService service)
    {
        if (Http.CheckId(id) is { } bad) return bad;
        if (service.GetWithTag(id) is not { } found) return Problems.NotFound($"No newcomer '{id}'.");
        response.Tag(found.Tag);
        return TypedResults.Ok(found.Document);
    }

    private static Results<NoContent, ValidationProblem, NotFoundProblem, PreconditionFailedProblem> Erase(string id, HttpRequest request, ClaimsPrincipal user, NewcomersService service)
    {
        if (Http.CheckId(id) is { } bad) return bad;
        var result = service.Erase(id, user.Caller(), request.IfMatch());
        return result.Outcome switch
        {
            Outcome.Ok => TypedResults.NoContent(),
            Outcome.Stale => Problems.Stale(result.Detail!),
            _ => Problems.NotFound(result.Detail ?? $"No newcomer '{id}'."),
        };
    }

    private static Results<JsonAnswer<SuggestionResult>, ValidationProblem, NotFoundProblem> Suggestions(
        string id, [AsParameters] RankingQuery query, [FromQuery, WireType(typeof(Matching.Model.OfferKind))] string[]? kind, SuggestionsService service, WeightProfilesService profiles)
    {
        var errors = new ValidationErrors();
        Wire.Id(id, "id", errors);
        var byScarcity = query.ByScarcity(errors);
        var options = query.Parse(profiles, kind, errors);
        if (options is null || !errors.IsEmpty) return Problems.Invalid(errors.ToDictionary());
        var result = service.SuggestFor(id, options, byScarcity);
        return result.Outcome switch
        {
            Outcome.Ok or Outcome.Created => JsonAnswers.Ok(result.Value!),
            Outcome.NotFound => Problems.NotFound(result.Detail!),
            _ => result.Invalid(),
        };
    }
}
