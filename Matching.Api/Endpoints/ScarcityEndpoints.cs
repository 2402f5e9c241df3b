using System.Security.Claims;
using Matching.Api.Infrastructure;
using Matching.Service;
using Microsoft.Extensions.Options;

namespace Matching.Api.Endpoints;

/// <summary>/api/v1/scarcity: the current price per offer place, learned from the recent arrivals, and its recomputation.</summary>
internal static class ScarcityEndpoints
{
    /// <summary>The current prices; every field null and no offers before the first computation.</summary>
    internal sealed record ScarcityView(string? Id, DateTimeOffset? ComputedAt, string? ComputedBy, ScarcityInputs? Inputs, IReadOnlyList<PlacePrice> Offers);

    public static IEndpointRouteBuilder MapScarcity(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/scarcity", Get)
            .WithTags("Scarcity")
            .RequireAuthorization(Policies.ReadOffers)
            .WithSummary("The current price per offer place")
            .WithDescription("Per offer that was a candidate of a recent newcomer: the price of one place in score units (0 when the sampled futures do not fill it), its free places and the newcomers the coming weeks are expected to bring for it; with when, by whom and from what the prices were computed. Every instance serves the same stored prices.")
            .Produces<ScarcityView>();
        routes.MapPost("/api/v1/scarcity:recompute", Recompute)
            .WithTags("Scarcity")
            .RequireAuthorization(Policies.Scarcity)
            .WithSummary("Recompute the prices now")
            .WithDescription("Samples futures from the newcomers who reached the fourth pillar in the configured window (Scarcity:WindowDays), with the registered intakes starting within the horizon (Scarcity:HorizonDays) as known newcomers of every future (inputs.knownIntakes), solves the assignment LP of each and stores the averaged capacity duals as the current prices (as the background job does every Scarcity:RecomputeIntervalMinutes).")
            .Produces<ScarcityView>();
        return routes;
    }

    private static IResult Get(ScarcityService service) =>
        TypedResults.Ok(View(service.Current()));

    private static IResult Recompute(ClaimsPrincipal user, ScarcityService service, IOptions<ScarcityOptions> options) =>
        TypedResults.Ok(View(service.Recompute(options.Value.ToSettings(), user.Caller())));

    private static ScarcityView View(ScarcityPrices? p) =>
        p is null ? new ScarcityView(null, null, null, null, []) : new ScarcityView(p.Id, p.ComputedAt, p.ComputedBy, p.Inputs, p.Offers);
}
