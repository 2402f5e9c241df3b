using System.Security.Claims;
using Matching.Api.Infrastructure;
using Matching.Scoring;
using Matching.Service;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Matching.Api.Endpoints;

/// <summary>/api/v1/weight-profiles: named, versioned weights that analysts change without a rebuild.</summary>
internal static class WeightProfilesEndpoints
{
    public static RouteGroupBuilder MapWeightProfiles(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/weight-profiles").WithTags("Weight profiles");

        group.MapGet("/", List)
            .RequireAuthorization(Policies.ReadProfiles)
            .WithSummary("List weight profiles");

        group.MapGet("/{name}", Get)
            .RequireAuthorization(Policies.ReadProfiles)
            .WithSummary("Read a weight profile")
            .WithMetadata(Versioned.Instance);

        group.MapPut("/{name}", Put)
            .RequireAuthorization(Policies.WriteProfiles)
            .WithSummary("Create or replace a weight profile")
            .WithDescription("Weights must be non-negative (normalised to sum 1) and name only known criteria; every change gets the next version.")
            .Accepts<WeightProfileDocument>("application/json");

        return group;
    }

    private static Ok<IReadOnlyList<ProfileRef>> List(WeightProfilesService service) => TypedResults.Ok(service.List());

    private static Results<Ok<WeightProfileDocument>, ValidationProblem, NotFoundProblem> Get(string name, HttpResponse response, WeightProfilesService service)
    {
        if (Http.CheckId(name, "name") is { } bad) return bad;
        if (service.Get(name) is not { } profile) return Problems.NotFound($"No weight profile '{name}'.");
        response.Tag(WeightProfilesService.TagOf(profile.Version));
        return TypedResults.Ok(profile.ToDocument());
    }

    private static async Task<Results<Ok<WeightProfileDocument>, Created<WeightProfileDocument>, ValidationProblem, BodyRejected, PreconditionFailedProblem>> Put(
        string name, HttpRequest request, ClaimsPrincipal user, WeightProfilesService service, CancellationToken ct)
    {
        if (Http.CheckId(name, "name") is { } bad) return bad;
        var (document, error) = await JsonBody.ReadAsync<WeightProfileDocument>(request, ct);
        if (error is not null) return error;
        if (document!.Name is not null && document.Name != name) return Problems.Invalid("name", "Differs from the name in the path.");
        document.Name = name;
        var result = service.Put(document, user.Caller(), request.IfMatch());
        request.HttpContext.Response.Tag(result.Tag);
        return result.Outcome switch
        {
            Outcome.Stale => Problems.Stale(result.Detail!),
            Outcome.Ok => TypedResults.Ok(result.Value!),
            Outcome.Created => TypedResults.Created($"/api/v1/weight-profiles/{name}", result.Value!),
            _ => result.Invalid(),
        };
    }
}
