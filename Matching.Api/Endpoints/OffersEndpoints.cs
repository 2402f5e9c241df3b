using System.Security.Claims;
using Matching.Api.Infrastructure;
using Matching.Contracts;
using Matching.Model;
using Matching.Scoring;
using Matching.Service;
using Matching.Validation;

namespace Matching.Api.Endpoints;

/// <summary>/api/v1/offers: the fourth-pillar offers, their list and the reverse ranking for an organisation.</summary>
internal static class OffersEndpoints
{
    public static RouteGroupBuilder MapOffers(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/offers").WithTags("Offers");

        group.MapGet("/", List)
            .RequireAuthorization(Policies.ReadOffers)
            .WithSummary("List offers")
            .WithDescription("Filters: kind, setting, place, hasPlaces; paging with page (from 1) and pageSize (1..100, default 20); ordered by id.")
            .Produces<OfferPage>()
            .ProducesValidationProblem();

        group.MapPut("/{id}", Put)
            .RequireAuthorization(Policies.WriteOffers)
            .WithSummary("Create or replace an offer")
            .WithDescription("Upsert by the caller's id. The capacity may not go below the places accepted matches already hold (409).")
            .Accepts<OfferDocument>("application/json")
            .Produces<OfferView>(StatusCodes.Status200OK)
            .Produces<OfferView>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        group.MapGet("/{id}", Get)
            .RequireAuthorization(Policies.ReadOffers)
            .WithSummary("Read an offer")
            .WithDescription("The stored fields with the location resolved, the places taken and free, and the current price of one place (scarcity; absent before the first computation, see GET /api/v1/scarcity).")
            .Produces<OfferView>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapDelete("/{id}", Delete)
            .RequireAuthorization(Policies.WriteOffers)
            .WithSummary("Delete an offer")
            .WithDescription("Refused (409) while matches hold places on it; its match history stays.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapGet("/{id}/candidates", Candidates)
            .RequireAuthorization(Policies.Suggest)
            .WithSummary("Ranked, explained newcomers for an offer")
            .WithDescription("The reverse ranking over the newcomers who hold no place yet, with the same scorer as the suggestions.")
            .Produces<CandidateResult>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        return group;
    }

    private static IResult List(string? kind, string? setting, string? place, string? hasPlaces, string? page, string? pageSize, OffersService service)
    {
        var errors = new ValidationErrors();
        OfferKind? k = null;
        if (kind is not null) { if (WireNames.TryParse<OfferKind>(kind, out var v)) k = v; else errors.Add("kind", $"Use {WireNames.List<OfferKind>()}."); }
        OfferSetting? s = null;
        if (setting is not null) { if (WireNames.TryParse<OfferSetting>(setting, out var v)) s = v; else errors.Add("setting", $"Use {WireNames.List<OfferSetting>()}."); }
        bool? free = null;
        if (hasPlaces is not null) { if (bool.TryParse(hasPlaces, out var v)) free = v; else errors.Add("hasPlaces", "Use true or false."); }
        var p = ParseInt(page, "page", 1, 1, 1_000_000, errors);
        var size = ParseInt(pageSize, "pageSize", 20, 1, 100, errors);
        string? placeName = null;
        if (place is not null)
        {
            if (Matching.Geo.Gazetteer.Default.TryResolve(place, out var resolved)) placeName = resolved.Name;
            else errors.Add("place", $"Unknown place '{place}'.");
        }
        if (!errors.IsEmpty) return Problems.Invalid(errors.ToDictionary());
        return TypedResults.Ok(service.List(new OfferFilter { Kind = k, Setting = s, Place = placeName, HasPlaces = free, Page = p, PageSize = size }));
    }

    private static async Task<IResult> Put(string id, HttpRequest request, ClaimsPrincipal user, OffersService service, CancellationToken ct)
    {
        if (Http.CheckId(id) is { } bad) return bad;
        var (document, error) = await JsonBody.ReadAsync<OfferDocument>(request, ct);
        if (error is not null) return error;
        return service.Put(id, document, user.Caller()).ToHttp(created => TypedResults.Created($"/api/v1/offers/{id}", created));
    }

    private static IResult Get(string id, OffersService service, ScarcityService scarcity)
    {
        if (Http.CheckId(id) is { } bad) return bad;
        return service.Get(id) is { } offer ? TypedResults.Ok(offer with { Scarcity = scarcity.Of(id) }) : Problems.NotFound($"No offer '{id}'.");
    }

    private static IResult Delete(string id, ClaimsPrincipal user, OffersService service)
    {
        if (Http.CheckId(id) is { } bad) return bad;
        var result = service.Delete(id, user.Caller());
        return result.Outcome == Outcome.Ok ? TypedResults.NoContent() : result.ToHttp();
    }

    private static IResult Candidates(string id, string? limit, string? profile, string? lang, SuggestionsService service, WeightProfilesService profiles)
    {
        if (Http.CheckId(id) is { } bad) return bad;
        var (options, error) = Http.RankingOptions(profiles, limit, null, profile, lang);
        return error ?? service.Candidates(id, options!).ToHttp();
    }

    internal static int ParseInt(string? text, string field, int fallback, int min, int max, ValidationErrors errors)
    {
        if (text is null) return fallback;
        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= min && value <= max) return value;
        errors.Add(field, $"Must be a whole number from {min} to {max}.");
        return fallback;
    }
}
