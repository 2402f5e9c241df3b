using Matching.Api.Infrastructure;
using Matching.Contracts;
using Matching.Scoring;
using Matching.Service;

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
            .WithDescription("Privacy by design: the newcomer in the body is scored and forgotten; nothing is stored or logged. scarcity=true orders by score − weight × price as GET /api/v1/newcomers/{id}/suggestions does.")
            .Accepts<InlineSuggestionRequest>("application/json")
            .Produces<SuggestionResult>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        return group;
    }

    private static async Task<IResult> Post(HttpRequest request, string? limit, [Microsoft.AspNetCore.Mvc.FromQuery] string[]? kind, string? profile, string? lang, string? scarcity, SuggestionsService service, WeightProfilesService profiles, CancellationToken ct)
    {
        var (byScarcity, scarcityError) = Http.Scarcity(scarcity);
        if (scarcityError is not null) return scarcityError;
        var (options, error) = Http.RankingOptions(profiles, limit, kind, profile, lang);
        if (error is not null) return error;
        var (body, bodyError) = await JsonBody.ReadAsync<InlineSuggestionRequest>(request, ct);
        if (bodyError is not null) return bodyError;
        if (body!.Newcomer is null) return Problems.Invalid("newcomer", "Required: the newcomer to rank for.");
        var result = service.SuggestInline(body.Newcomer, options!, byScarcity);
        if (result.Outcome == Outcome.Invalid)
        {
            var errors = new Matching.Validation.ValidationErrors();
            errors.AddAll(result.Errors!, "newcomer");
            return Problems.Invalid(errors.ToDictionary());
        }
        return result.ToHttp();
    }
}
