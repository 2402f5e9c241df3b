using System.Security.Claims;
using Matching.Api.Infrastructure;
using Matching.Contracts;
using Matching.Model;
using Matching.Scoring;
using Matching.Service;
using Matching.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

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
            .WithDescription("Filters: kind, setting, place, hasPlaces; paging with page (from 1) and pageSize (1..100, default 20); ordered by id. With changedSince (a change number, 0 for all) instead the reconciliation list from the database: every offer written or deleted after it, in change order, pageSize 1..1000 (see GET /api/v1/newcomers).");

        group.MapPut("/{id}", Put)
            .RequireAuthorization(Policies.WriteOffers)
            .WithSummary("Create or replace an offer")
            .WithDescription("Upsert by the caller's id. The capacity may not go below the places accepted matches already hold (409).")
            .Accepts<OfferDocument>("application/json");

        group.MapGet("/{id}", Get)
            .RequireAuthorization(Policies.ReadOffers)
            .WithSummary("Read an offer")
            .WithDescription("The stored fields with the location resolved, the places taken and free, and the current price of one place (scarcity; absent before the first computation, see GET /api/v1/scarcity).")
            .WithMetadata(Versioned.Instance);

        group.MapDelete("/{id}", Delete)
            .RequireAuthorization(Policies.WriteOffers)
            .WithSummary("Delete an offer")
            .WithDescription("Refused (409) while matches hold places on it; its match history stays.");

        group.MapGet("/{id}/candidates", Candidates)
            .RequireAuthorization(Policies.Suggest)
            .WithSummary("Ranked, explained newcomers for an offer")
            .WithDescription("The reverse ranking over the newcomers who hold no place yet, with the same scorer as the suggestions.");

        return group;
    }

    /// <summary>The list's query, as sent; <see cref="Parse"/> turns it into a filter once.</summary>
    internal sealed class ListQuery
    {
        /// <summary>Only this kind.</summary>
        [FromQuery(Name = "kind"), WireType(typeof(OfferKind))] public string? Kind { get; init; }
        /// <summary>Only this setting.</summary>
        [FromQuery(Name = "setting"), WireType(typeof(OfferSetting))] public string? Setting { get; init; }
        /// <summary>Only offers at this place (a postcode's place or a municipality).</summary>
        [FromQuery(Name = "place")] public string? Place { get; init; }
        /// <summary>Only offers with (true) or without (false) a free place.</summary>
        [FromQuery(Name = "hasPlaces"), WireType(typeof(bool))] public string? HasPlaces { get; init; }
        /// <summary>The page, from 1 (default 1).</summary>
        [FromQuery(Name = "page"), WireType(typeof(int), Minimum = 1, Maximum = 1_000_000)] public string? Page { get; init; }
        /// <summary>Items per page, 1..100 (default 20); with changedSince 1..1000.</summary>
        [FromQuery(Name = "pageSize"), WireType(typeof(int), Minimum = 1, Maximum = 1000)] public string? PageSize { get; init; }
        /// <summary>A change number (0 for all): the reconciliation list of every offer written or deleted after it.</summary>
        [FromQuery(Name = "changedSince"), WireType(typeof(long), Minimum = 0)] public string? ChangedSince { get; init; }

        public OfferFilter Parse(ValidationErrors errors)
        {
            string? placeName = null;
            if (Place is not null)
            {
                if (Matching.Geo.Gazetteer.Default.TryResolve(Place, out var resolved)) placeName = resolved.Name;
                else errors.Add("place", $"Unknown place '{Place}'.");
            }
            return new OfferFilter
            {
                Kind = Wire.Enum<OfferKind>(Kind, "kind", errors),
                Setting = Wire.Enum<OfferSetting>(Setting, "setting", errors),
                Place = placeName,
                HasPlaces = Wire.Bool(HasPlaces, "hasPlaces", errors),
                Page = Wire.Int(Page, "page", 1, 1, 1_000_000, errors),
                PageSize = Wire.Int(PageSize, "pageSize", 20, 1, 100, errors),
            };
        }
    }

    private static Results<Ok<OfferPage>, Ok<ChangePage<OfferDocument>>, ValidationProblem> List([AsParameters] ListQuery query, OffersService service)
    {
        if (query.ChangedSince is not null)
        {
            return ImportEndpoints.ListOffers(query.ChangedSince, query.PageSize, service).Result switch
            {
                Ok<ChangePage<OfferDocument>> page => page,
                ValidationProblem problem => problem,
                var other => throw new InvalidOperationException($"Unexpected answer {other.GetType().Name}."),
            };
        }
        var errors = new ValidationErrors();
        var filter = query.Parse(errors);
        return errors.IsEmpty ? TypedResults.Ok(service.List(filter)) : Problems.Invalid(errors.ToDictionary());
    }

    private static async Task<Results<Ok<OfferView>, Created<OfferView>, ValidationProblem, BodyRejected, ConflictProblem, PreconditionFailedProblem>> Put(
        string id, HttpRequest request, ClaimsPrincipal user, OffersService service, CancellationToken ct)
    {
        if (Http.CheckId(id) is { } bad) return bad;
        var (document, error) = await JsonBody.ReadAsync<OfferDocument>(request, ct);
        if (error is not null) return error;
        var result = service.Put(id, document, user.Caller(), request.IfMatch());
        request.HttpContext.Response.Tag(result.Tag);
        return result.Outcome switch
        {
            Outcome.Ok => TypedResults.Ok(result.Value!),
            Outcome.Created => TypedResults.Created($"/api/v1/offers/{id}", result.Value!),
            Outcome.Conflict => Problems.Conflict(result.Detail!),
            Outcome.Stale => Problems.Stale(result.Detail!),
            _ => result.Invalid(),
        };
    }

    private static Results<Ok<OfferView>, ValidationProblem, NotFoundProblem> Get(string id, HttpResponse response, OffersService service, ScarcityService scarcity)
    {
        if (Http.CheckId(id) is { } bad) return bad;
        if (service.GetWithTag(id) is not { } found) return Problems.NotFound($"No offer '{id}'.");
        response.Tag(found.Tag);
        return TypedResults.Ok(found.View with { Scarcity = scarcity.Of(id) });
    }

    private static Results<NoContent, ValidationProblem, NotFoundProblem, ConflictProblem, PreconditionFailedProblem> Delete(
        string id, HttpRequest request, ClaimsPrincipal user, OffersService service)
    {
        if (Http.CheckId(id) is { } bad) return bad;
        var result = service.Delete(id, user.Caller(), request.IfMatch());
        return result.Outcome switch
        {
            Outcome.Ok => TypedResults.NoContent(),
            Outcome.Stale => Problems.Stale(result.Detail!),
            Outcome.NotFound => Problems.NotFound(result.Detail!),
            Outcome.Conflict => Problems.Conflict(result.Detail!),
            _ => result.Invalid(),
        };
    }

    private static Results<JsonAnswer<CandidateResult>, ValidationProblem, NotFoundProblem> Candidates(
        string id, [AsParameters] RankingQuery query, SuggestionsService service, WeightProfilesService profiles)
    {
        var errors = new ValidationErrors();
        Wire.Id(id, "id", errors);
        var options = query.Parse(profiles, null, errors);
        if (options is null || !errors.IsEmpty) return Problems.Invalid(errors.ToDictionary());
        var result = service.Candidates(id, options);
        return result.Outcome switch
        {
            Outcome.Ok or Outcome.Created => JsonAnswers.Ok(result.Value!),
            Outcome.NotFound => Problems.NotFound(result.Detail!),
            _ => result.Invalid(),
        };
    }
}
