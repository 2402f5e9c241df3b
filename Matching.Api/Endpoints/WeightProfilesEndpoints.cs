using System.Security.Claims;
using Matching.Api.Infrastructure;
using Matching.Scoring;
using Matching.Service;

namespace Matching.Api.Endpoints;

/// <summary>/api/v1/weight-profiles: named, versioned weights that analysts change without a rebuild.</summary>
internal static class WeightProfilesEndpoints
{
    public static RouteGroupBuilder MapWeightProfiles(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/weight-profiles").WithTags("Weight profiles");

        group.MapGet("/", List)
            .RequireAuthorization(Policies.ReadProfiles)
            .WithSummary("List weight profiles")
            .Produces<IReadOnlyList<ProfileRef>>();

        group.MapGet("/{name}", Get)
            .RequireAuthorization(Policies.ReadProfiles)
            .WithSummary("Read a weight profile")
            .Produces<WeightProfileDocument>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPut("/{name}", Put)
            .RequireAuthorization(Policies.WriteProfiles)
            .WithSummary("Create or replace a weight profile")
            .WithDescription("Weights must be non-negative (normalised to sum 1) and name only known criteria; every change gets the next version.")
            .Accepts<WeightProfileDocument>("application/json")
            .Produces<WeightProfileDocument>(StatusCodes.Status200OK)
            .Produces<WeightProfileDocument>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        return group;
    }

    private static IResult List(WeightProfilesService service) => TypedResults.Ok(service.List());

    private static IResult Get(string name, WeightProfilesService service)
    {
        if (Http.CheckId(name, "name") is { } bad) return bad;
        return service.Get(name) is { } profile ? TypedResults.Ok(profile.ToDocument()) : Problems.NotFound($"No weight profile '{name}'.");
    }

    private static async Task<IResult> Put(string name, HttpRequest request, ClaimsPrincipal user, WeightProfilesService service, CancellationToken ct)
    {
        if (Http.CheckId(name, "name") is { } bad) return bad;
        var (document, error) = await JsonBody.ReadAsync<WeightProfileDocument>(request, ct);
        if (error is not null) return error;
        if (document!.Name is not null && document.Name != name) return Problems.Invalid("name", "Differs from the name in the path.");
        document.Name = name;
        return service.Put(document, user.Caller()).ToHttp(created => TypedResults.Created($"/api/v1/weight-profiles/{name}", created));
    }
}
