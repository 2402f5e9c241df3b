using Matching.Allocation;
using Matching.Api.Infrastructure;
using Matching.Model;
using Matching.Service;
using Matching.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace Matching.Api.Endpoints;

/// <summary>/api/v1/reports: where demand and supply do not meet, for local governments and analysts.</summary>
internal static class ReportsEndpoints
{
    public static RouteGroupBuilder MapReports(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/reports").WithTags("Reports").RequireAuthorization(Policies.Reports);
        group.MapGet("/gaps", Gaps)
            .WithSummary("Demand and supply per area and kind")
            .WithDescription("Per municipality (or province) and kind: newcomers waiting, offers, places, places taken, newcomers an optimal allocation still leaves unplaced, and how many of those extra places would place (rows with the most first). JSON, or CSV with Accept: text/csv.");
        return group;
    }

    /// <summary>The report's query, as sent; parsed once in <see cref="Gaps"/>.</summary>
    internal sealed class GapsQuery
    {
        /// <summary>municipality (default) or province.</summary>
        [FromQuery(Name = "groupBy"), WireType(typeof(GapGrouping))] public string? GroupBy { get; init; }
        /// <summary>Only this kind of offer.</summary>
        [FromQuery(Name = "kind"), WireType(typeof(OfferKind))] public string? Kind { get; init; }
        /// <summary>The weight profile of the allocation (default: default).</summary>
        [FromQuery(Name = "profile")] public string? Profile { get; init; }
    }

    private static Results<Ok<GapReportResult>, CsvText, ValidationProblem> Gaps(HttpRequest request, [AsParameters] GapsQuery query, AllocationsService service, WeightProfilesService profiles)
    {
        var errors = new ValidationErrors();
        var grouping = Wire.Enum<GapGrouping>(query.GroupBy, "groupBy", errors) ?? GapGrouping.Municipality;
        var kind = Wire.Enum<OfferKind>(query.Kind, "kind", errors);
        var weights = profiles.Resolve(query.Profile);
        if (weights is null) errors.Add("profile", $"No weight profile '{query.Profile}'.");
        if (!errors.IsEmpty) return Problems.Invalid(errors.ToDictionary());
        var report = service.GapReport(grouping, kind, weights!);
        var wantsCsv = request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase));
        return wantsCsv ? new CsvText(report.ToCsv()) : TypedResults.Ok(report);
    }
}

/// <summary>A CSV answer (on Accept: text/csv); the OpenAPI document lists it beside the JSON one of the same status.</summary>
internal sealed class CsvText(string csv) : IResult, IStatusCodeHttpResult, IEndpointMetadataProvider
{
    public int? StatusCode => StatusCodes.Status200OK;

    public Task ExecuteAsync(HttpContext httpContext) => TypedResults.Text(csv, "text/csv; charset=utf-8").ExecuteAsync(httpContext);

    public static void PopulateMetadata(System.Reflection.MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(AlsoAnswersCsv.Instance);
}
