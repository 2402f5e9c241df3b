using Matching.Api.Infrastructure;
using Matching.Contracts;
using Matching.Scoring;
using Matching.Service;
using Matching.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Matching.Api.Endpoints;

/// <summary>POST /api/v1/suggestions: suggestions for a newcomer given inline, nothing stored.</summary>
internal static class SuggestionsEndpoints
{
    /// <summary>The body: the newcomer to rank for.</summary>
    internal sealed class InlineSuggestionRequest
    {
        /// <summary>The newcomer, as in PUT /api/v1/newcomers/{id}; the id is optional.</summary>
        public NewcomerDocument? Newcomer { get; set; }
    }

    public static RouteGroupBuilder MapSuggestions(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/suggestions").WithTags("Suggestions");
        group.MapPost("/", Post)
            .RequireAuthorization(Policies.Suggest)
            .WithSummary("Ranked, explained offers for a newcomer given inline")
            .WithDescription("Privacy by design: the newcomer in the body is scored and forgotten; nothing is stored or logged. scarcity=true orders by score − weight × price and adds the wait advice (waitAdvice) as GET /api/v1/newcomers/{id}/suggestions does.")
            .Accepts<InlineSuggestionRequest>("application/json");
        return group;
    }

    private static async Task<Results<JsonAnswer<SuggestionResult>, ValidationProblem, BodyRejected>> Post(
        HttpRequest request, [AsParameters] RankingQuery query, [FromQuery, WireType(typeof(Matching.Model.OfferKind))] string[]? kind, SuggestionsService service, WeightProfilesService profiles, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var byScarcity = query.ByScarcity(errors);
        var options = query.Parse(profiles, kind, errors);
        if (options is null) return Problems.Invalid(errors.ToDictionary());
        var (body, bodyError) = await JsonBody.ReadAsync<InlineSuggestionRequest>(request, ct);
        if (bodyError is not null) return bodyError;
        if (body!.Newcomer is null) return Problems.Invalid("newcomer", "Required: the newcomer to rank for.");
        var result = service.SuggestInline(body.Newcomer, options, byScarcity);
        if (result.Outcome is Outcome.Ok or Outcome.Created) return JsonAnswers.Ok(result.Value!);
        errors.AddAll(result.Errors ?? new ValidationErrors(), "newcomer");
        return Problems.Invalid(errors.ToDictionary());
    }
}
